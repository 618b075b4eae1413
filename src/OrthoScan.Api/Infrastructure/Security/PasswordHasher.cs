using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace OrthoScan.Api.Infrastructure.Security;

/// <summary>
/// Argon2id (OWASP: 19 MiB, 2 passes, 1 lane as the floor; we use 32 MiB, 3 passes).
/// Encoded as "argon2id$m$t$p$salt$hash" so the parameters can be raised later without breaking old hashes.
/// </summary>
public sealed class PasswordHasher
{
    private const int MemoryKib = 32 * 1024;
    private const int Iterations = 3;
    private const int Parallelism = 1;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Makes unknown-email logins cost the same as wrong-password logins.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher().Hash("not-a-real-password-" + Guid.NewGuid()));

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, MemoryKib, Iterations, Parallelism);
        return $"argon2id${MemoryKib}${Iterations}${Parallelism}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public bool Verify(string password, string? encoded)
    {
        var parts = (encoded ?? DummyHash.Value).Split('$');
        if (parts.Length != 6 || parts[0] != "argon2id") return false;
        var salt = Convert.FromBase64String(parts[4]);
        var expected = Convert.FromBase64String(parts[5]);
        var actual = Compute(password, salt, int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]));
        return encoded is not null && CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static byte[] Compute(string password, byte[] salt, int memoryKib, int iterations, int parallelism)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKib,
            Iterations = iterations,
            DegreeOfParallelism = parallelism,
        };
        return argon.GetBytes(HashBytes);
    }
}
