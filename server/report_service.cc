// ReportService.GetMonthlyReport: builds the MonthlyReport (monthly_report.cc), renders it
// (report_render.cc, report_pdf.cc) and streams it: the structured report first, then the
// file in chunks.
#include "server/report_service.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/grpc_status.h"
#include "server/monthly_report.h"
#include "server/report_pdf.h"
#include "server/report_render.h"
#include "server/rpc_call.h"

namespace denialscope {

namespace v1 = ::denialscope::v1;

grpc::Status ReportServiceImpl::GetMonthlyReport(
    grpc::ServerContext* server_context, const v1::GetMonthlyReportRequest* request,
    grpc::ServerWriter<v1::GetMonthlyReportResponse>* writer) {
  RpcCall call(context_, server_context, "ReportService.GetMonthlyReport");
  if (grpc::Status refused = call.Admit(*request); !refused.ok()) return call.Finish(refused);
  const v1::ReportFormat format = request->format();
  if (!v1::ReportFormat_IsValid(format)) {
    return call.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                    absl::StrCat("format: unknown value ", format)));
  }
  int64_t rows = 0;
  absl::StatusOr<v1::MonthlyReport> report =
      BuildMonthlyReport(context_, request->name(), request->as_of_date(), &rows);
  call.SetRows(rows);
  if (!report.ok()) return call.Finish(ToGrpcStatus(report.status()));
  std::string rendered;
  std::string content_type;
  switch (format) {
    case v1::REPORT_FORMAT_HTML:
      rendered = RenderReportHtml(*report);
      content_type = "text/html; charset=utf-8";
      break;
    case v1::REPORT_FORMAT_CSV:
      rendered = RenderReportCsv(*report);
      content_type = "text/csv; charset=utf-8";
      break;
    case v1::REPORT_FORMAT_JSON: {
      absl::StatusOr<std::string> json = RenderReportJson(*report);
      if (!json.ok()) return call.Finish(ToGrpcStatus(json.status()));
      rendered = *std::move(json);
      content_type = "application/json";
      break;
    }
    case v1::REPORT_FORMAT_PDF: {
      absl::StatusOr<std::string> pdf = RenderReportPdf(*report);
      if (!pdf.ok()) return call.Finish(ToGrpcStatus(pdf.status()));
      rendered = *std::move(pdf);
      content_type = "application/pdf";
      break;
    }
    default:
      break;  // structured only
  }
  v1::GetMonthlyReportResponse first;
  *first.mutable_report() = *std::move(report);
  first.set_content_type(content_type);
  if (!writer->Write(first)) {
    return call.Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
  }
  for (size_t at = 0; at < rendered.size(); at += kReportChunkBytes) {
    v1::GetMonthlyReportResponse chunk;
    chunk.set_chunk(rendered.substr(at, std::min(kReportChunkBytes, rendered.size() - at)));
    if (!writer->Write(chunk)) {
      return call.Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
    }
  }
  call.Add("bytes", static_cast<int64_t>(rendered.size()));
  return call.Finish(grpc::Status::OK);
}

}  // namespace denialscope
