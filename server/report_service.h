// ReportService: the monthly report a practice manager pulls, structured and rendered.
#ifndef DENIALSCOPE_SERVER_REPORT_SERVICE_H_
#define DENIALSCOPE_SERVER_REPORT_SERVICE_H_

#include "denialscope/v1/report_service.grpc.pb.h"
#include "server/service_context.h"

namespace denialscope {

// Largest rendered chunk sent in one message.
inline constexpr size_t kReportChunkBytes = 64 * 1024;

class ReportServiceImpl final : public denialscope::v1::ReportService::Service {
 public:
  explicit ReportServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status GetMonthlyReport(
      grpc::ServerContext* context, const denialscope::v1::GetMonthlyReportRequest* request,
      grpc::ServerWriter<denialscope::v1::GetMonthlyReportResponse>* writer) override;

 private:
  ServiceContext context_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_REPORT_SERVICE_H_
