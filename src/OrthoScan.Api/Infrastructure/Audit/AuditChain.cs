using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrthoScan.Api.Infrastructure.Audit;

/// <summary>The hash of a chain link: the audit row's fields, its position and the previous link's hash (practice and platform chains).</summary>
public static class AuditChain
{
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>Unchanged since the chain lived in audit_log, so the links written then still verify.</summary>
    public static byte[] ComputeHash(AuditEntry e, long seq, byte[] prevHash)
    {
        var canonical = string.Join('|',
            e.PracticeId, seq, e.UserId, e.ActorRole, e.Action, e.ResourceType, e.ResourceId, e.IpAddress,
            e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
        return SHA256.HashData([.. prevHash, .. Encoding.UTF8.GetBytes(canonical)]);
    }

    /// <summary>
    /// A link of the platform chain, over its own row: the same canonical form, led by "platform" so that no link of it
    /// can ever pass for a practice's, then the subject practice where the practice chain has its owner.
    /// </summary>
    public static byte[] ComputeHash(PlatformAuditEntry e)
    {
        var canonical = string.Join('|',
            "platform", e.Seq, e.ActorUserId, e.ActorRole, e.Action, e.ResourceType, e.ResourceId, e.PracticeId, e.IpAddress,
            e.OccurredAt.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
        return SHA256.HashData([.. e.PrevHash, .. Encoding.UTF8.GetBytes(canonical)]);
    }
}
