// IngestService: client-streaming batches of claims and adjudication events. Each message is
// validated record by record, then stored as one transaction; the answer counts what
// happened and lists the first rejections with their position in the stream.
#ifndef DENIALSCOPE_SERVER_INGEST_SERVICE_H_
#define DENIALSCOPE_SERVER_INGEST_SERVICE_H_

#include "denialscope/v1/ingest_service.grpc.pb.h"
#include "server/service_context.h"

namespace denialscope {

// Batches larger than this are refused: one transaction should stay short.
inline constexpr int kMaxRecordsPerBatch = 10000;
// ImportFile chunks larger than this are refused: the client should send smaller pieces.
inline constexpr size_t kMaxImportChunkBytes = size_t{4} << 20;
// Rejections listed in the response; the counts cover all of them.
inline constexpr int kMaxReportedErrors = 100;

class IngestServiceImpl final : public denialscope::v1::IngestService::Service {
 public:
  explicit IngestServiceImpl(ServiceContext context) : context_(context) {}

  grpc::Status IngestClaims(
      grpc::ServerContext* context,
      grpc::ServerReader<denialscope::v1::IngestClaimsRequest>* reader,
      denialscope::v1::IngestResponse* response) override;
  grpc::Status IngestRemittances(
      grpc::ServerContext* context,
      grpc::ServerReader<denialscope::v1::IngestRemittancesRequest>* reader,
      denialscope::v1::IngestResponse* response) override;
  grpc::Status ImportFile(grpc::ServerContext* context,
                          grpc::ServerReader<denialscope::v1::ImportFileRequest>* reader,
                          denialscope::v1::ImportFileResponse* response) override;

 private:
  ServiceContext context_;
};

}  // namespace denialscope

#endif  // DENIALSCOPE_SERVER_INGEST_SERVICE_H_
