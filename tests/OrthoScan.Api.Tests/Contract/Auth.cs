namespace OrthoScan.Api.Tests.Contract;

/// <summary>POST /auth/register.</summary>
public sealed record RegistrationDto(Guid PracticeId, Guid UserId, MfaStep MfaRequired, string MfaToken);

/// <summary>POST /auth/login and /auth/invitations/accept: the password step, never tokens.</summary>
public sealed record MfaChallengeDto(MfaStep MfaRequired, string MfaToken);

/// <summary>POST /auth/mfa/enroll.</summary>
public sealed record MfaEnrollmentDto(string Secret, string OtpauthUri, string QrCodePng, IReadOnlyList<string> RecoveryCodes);

/// <summary>POST /auth/mfa/verify and /auth/refresh. The dashboard gets its refresh token as a cookie and null here.</summary>
public sealed record AccessGrantDto(string AccessToken, string? RefreshToken, int ExpiresIn);

/// <summary>POST /auth/patient/activate: the patient app's device-bound session.</summary>
public sealed record PatientActivationDto(Guid PatientId, string AccessToken, string RefreshToken, int ExpiresIn);

/// <summary>POST /practice/invitations.</summary>
public sealed record StaffInvitationDto(Guid MemberId, string InvitationCode, DateTime ExpiresAt);

public enum MfaStep { Enroll, Verify }

/// <summary>GET /.well-known/jwks.json: read strictly, so a private member ("d") would fail the read.</summary>
public sealed record JwksDto(IReadOnlyList<JwkDto> Keys);

public sealed record JwkDto(string Kty, string Crv, string Use, string Alg, string Kid, string X, string Y);
