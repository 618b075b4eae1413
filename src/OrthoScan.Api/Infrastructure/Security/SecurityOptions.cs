namespace OrthoScan.Api.Infrastructure.Security;

public sealed class AuthOptions
{
    public const string Section = "OrthoScan:Auth";

    public string Issuer { get; set; } = "orthoscan";
    public string Audience { get; set; } = "orthoscan-api";
    /// <summary>PEM file of the ES256 signing key; created on first start when missing (local runs).</summary>
    public string SigningKeyPath { get; set; } = ".local/secrets/jwt-signing.pem";
    /// <summary>The current signing key as PEM text (a fleet: every instance the same, from Secrets Manager); wins over the file.</summary>
    public string? SigningKeyPem { get; set; }
    /// <summary>The key signed with before the last rotation (PEM, its public half suffices): still accepted, never used to sign.</summary>
    public string? PreviousSigningKeyPem { get; set; }
    /// <summary>When set, tokens are validated against this OIDC authority (Auth0, Cognito) instead of the built-in issuer.</summary>
    public string? ExternalAuthority { get; set; }
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MfaTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
    public TimeSpan PatientRefreshTokenLifetime { get; set; } = TimeSpan.FromDays(90);
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(3);
    public int MaxFailedLogins { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    public int LoginsPerMinutePerIp { get; set; } = 30;
    public int LoginsPerMinutePerAccount { get; set; } = 10;
    /// <summary>MFA enrolment and verification requests, per IP and per account (beside the lockout, which counts failures).</summary>
    public int MfaRequestsPerMinutePerIp { get; set; } = 30;
    public int MfaRequestsPerMinutePerAccount { get; set; } = 10;
    public int ActivationsPerMinutePerIp { get; set; } = 10;
    public int InvitationAcceptsPerMinutePerIp { get; set; } = 10;
    public int RegistrationsPer10MinutesPerIp { get; set; } = 10;
    /// <summary>Password-reset requests and redemptions per IP; beyond it 429.</summary>
    public int PasswordResetsPerMinutePerIp { get; set; } = 10;
    /// <summary>
    /// Signed-in requests one person (a member's account, or a patient) may make per minute; beyond it 429. A doctor
    /// reviewing at full speed makes about one a second.
    /// </summary>
    public int RequestsPerMinutePerUser { get; set; } = 600;
    /// <summary>Reset emails per account per hour; beyond it requests still answer the same, and nothing is sent.</summary>
    public int PasswordResetEmailsPerHourPerAccount { get; set; } = 3;
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromMinutes(30);
}

public sealed class SecretsOptions
{
    public const string Section = "OrthoScan:Secrets";

    /// <summary>Base64 of 32 random bytes; encrypts TOTP secrets. In AWS this is a KMS-wrapped data key.</summary>
    public string MasterKey { get; set; } = string.Empty;
}

public sealed class RedisOptions
{
    public const string Section = "OrthoScan:Redis";

    /// <summary>Keeps several deployments (or test runs) sharing one Redis apart.</summary>
    public string KeyPrefix { get; set; } = "orthoscan:";
}
