using SoftQDistributed.Shared.Grpc;

namespace SoftQDistributed.Learner.Settings;

/// <summary>Everything <c>serve</c> is configured with: the run (as <c>train</c>), the update, the service, and the token and trust between roles.</summary>
public sealed record ServeConfiguration(TrainingSettings Training, SoftQSettings SoftQ, ServeSettings Serve, GrpcSecurity Security);
