// AdminService: onboarding of practices, API keys and the audit trail. Thin: parse, call the
// stores, convert.
#ifndef DENIALSCOPE_SERVER_ADMIN_SERVICE_H_
#define DENIALSCOPE_SERVER_ADMIN_SERVICE_H_

#include "denialscope/v1/admin_service.grpc.pb.h"
#include "server/service_context.h"

namespace denialscope {

class AdminServiceImpl final : public denialscope::v1::AdminService::Service {
 public:
  explicit AdminServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status CreatePractice(grpc::ServerContext* context,
                              const denialscope::v1::CreatePracticeRequest* request,
                              denialscope::v1::Practice* response) override;
  grpc::Status GetPractice(grpc::ServerContext* context,
                           const denialscope::v1::GetPracticeRequest* request,
                           denialscope::v1::Practice* response) override;
  grpc::Status ListPractices(grpc::ServerContext* context,
                             const denialscope::v1::ListPracticesRequest* request,
                             denialscope::v1::ListPracticesResponse* response) override;
  grpc::Status CreateApiKey(grpc::ServerContext* context,
                            const denialscope::v1::CreateApiKeyRequest* request,
                            denialscope::v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context,
                           const denialscope::v1::ListApiKeysRequest* request,
                           denialscope::v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context,
                            const denialscope::v1::RevokeApiKeyRequest* request,
                            denialscope::v1::ApiKey* response) override;
  grpc::Status ListAuditEvents(grpc::ServerContext* context,
                               const denialscope::v1::ListAuditEventsRequest* request,
                               denialscope::v1::ListAuditEventsResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_ADMIN_SERVICE_H_
