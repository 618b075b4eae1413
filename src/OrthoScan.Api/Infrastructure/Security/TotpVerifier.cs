using OtpNet;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>RFC 6238 TOTP, 30 s steps, one step of drift either way; a step already used is refused (no replay).</summary>
public sealed class TotpVerifier(SecretProtector protector, TimeProvider clock)
{
    public const string Purpose = "totp-secret";

    public (byte[] Encrypted, string Base32) NewSecret()
    {
        var secret = KeyGeneration.GenerateRandomKey(20);
        return (protector.Protect(secret, Purpose), Base32Encoding.ToString(secret));
    }

    /// <returns>The matched time step, or null when the code is wrong or was already used.</returns>
    public long? Verify(byte[] encryptedSecret, string code, long lastUsedStep)
    {
        var totp = new Totp(protector.Unprotect(encryptedSecret, Purpose));
        var now = clock.UtcNow();
        if (!totp.VerifyTotp(now, code.Trim(), out var step, VerificationWindow.RfcSpecifiedNetworkDelay)) return null;
        return step > lastUsedStep ? step : null;
    }
}
