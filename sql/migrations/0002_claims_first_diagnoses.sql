-- The cohort follows the coding the payer first adjudicated (analytics/records.h,
-- ClaimHistory::first_diagnoses): when a replacement changes a claim's diagnoses, the
-- diagnoses of the first version stored are kept here. Empty while no replacement changed
-- them.
ALTER TABLE claims ADD COLUMN first_diagnoses text[] NOT NULL DEFAULT '{}';
