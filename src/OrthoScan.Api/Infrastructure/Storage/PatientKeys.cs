using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OrthoScan.Api.Infrastructure.Errors;

namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>
/// Who an object belongs to: every patient object lives under <c>practices/{practice}/patients/{patient}/</c>, raw
/// uploads under the same path after <c>raw/</c> (<see cref="Domain.RawUpload.Prefix"/>).
/// </summary>
public static partial class PatientObjectKeys
{
    public sealed record Owner(Guid PracticeId, Guid PatientId);

    public static string Prefix(Guid practiceId, Guid patientId) => $"practices/{practiceId}/patients/{patientId}/";

    /// <summary>The patient an object key belongs to, or null for an object of no patient.</summary>
    public static Owner? OwnerOf(string key)
    {
        var match = PatientPrefix().Match(key);
        return match.Success ? new Owner(Guid.Parse(match.Groups[1].ValueSpan), Guid.Parse(match.Groups[2].ValueSpan)) : null;
    }

    [GeneratedRegex(@"^(?:raw/)?practices/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/patients/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/",
        RegexOptions.CultureInvariant)]
    private static partial Regex PatientPrefix();
}

/// <summary>A patient's data key in the clear (use, then zero it), or the fact that it was destroyed.</summary>
public abstract record PatientKeyState
{
    /// <summary>The patient never had an object written since keys were introduced: only legacy objects, if any.</summary>
    public sealed record None : PatientKeyState;

    public sealed record Live(byte[] Key) : PatientKeyState;

    public sealed record Destroyed(DateTime DestroyedAt) : PatientKeyState;
}

/// <summary>Per-patient data keys (table patient_data_keys), each stored only wrapped under the master key / KMS.</summary>
public interface IPatientKeyring
{
    /// <summary>The patient's key, made on first use; throws <see cref="PatientDataShreddedException"/> once it was destroyed.</summary>
    Task<byte[]> GetOrCreateAsync(PatientObjectKeys.Owner owner, CancellationToken ct);

    Task<PatientKeyState> GetAsync(PatientObjectKeys.Owner owner, CancellationToken ct);
}

/// <summary>The patient's data key was destroyed (erasure): their objects can never be read again.</summary>
public sealed class PatientDataShreddedException()
    : ProblemException(StatusCodes.Status410Gone, "patient-erased", "Erased", "This patient's data was erased and can no longer be read.");

/// <summary>
/// The keyring over the database. It runs in a scope of its own, entered into the object's practice as a worker, because
/// the stores are singletons called from requests, jobs and the anonymous blob links alike. Nothing is cached: an
/// erasure committed on one instance is seen by the next read on every instance.
/// </summary>
public sealed class PatientKeyring(IServiceScopeFactory scopes, IKeyProvider masterKeys, TimeProvider clock) : IPatientKeyring
{
    public async Task<byte[]> GetOrCreateAsync(PatientObjectKeys.Owner owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = await EnterAsync(scope, owner, ct);
        var row = await FindAsync(db, owner, ct);
        if (row is null)
        {
            var fresh = await masterKeys.GenerateDataKeyAsync(ct);
            // Two first writes at once: one insert wins, the other reads the winner's key.
            var inserted = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO patient_data_keys (patient_id, practice_id, wrapped_key, created_at)
                VALUES ({owner.PatientId}, {owner.PracticeId}, {fresh.Wrapped}, {clock.UtcNow()})
                ON CONFLICT (patient_id) DO NOTHING
                """, ct);
            if (inserted == 1) return fresh.Plaintext;
            CryptographicOperations.ZeroMemory(fresh.Plaintext);
            row = await FindAsync(db, owner, ct) ?? throw new InvalidOperationException("The patient key vanished while it was made.");
        }
        return row.WrappedKey is { } wrapped ? await UnwrapAsync(wrapped, ct) : throw new PatientDataShreddedException();
    }

    public async Task<PatientKeyState> GetAsync(PatientObjectKeys.Owner owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = await EnterAsync(scope, owner, ct);
        return await FindAsync(db, owner, ct) switch
        {
            null => new PatientKeyState.None(),
            { WrappedKey: { } wrapped } => new PatientKeyState.Live(await UnwrapAsync(wrapped, ct)),
            var destroyed => new PatientKeyState.Destroyed(destroyed.DestroyedAt ?? destroyed.CreatedAt),
        };
    }

    /// <summary>
    /// Destroys the patient's key inside the caller's transaction (erasure): the wrapped key is overwritten with NULL and
    /// the row stays as a tombstone, so no new key is ever made for the patient. A patient without a key gets the tombstone.
    /// </summary>
    public static Task<int> DestroyAsync(AppDbContext db, Guid practiceId, Guid patientId, DateTime now, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO patient_data_keys (patient_id, practice_id, wrapped_key, created_at, destroyed_at)
            VALUES ({patientId}, {practiceId}, NULL, {now}, {now})
            ON CONFLICT (patient_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = coalesce(patient_data_keys.destroyed_at, excluded.destroyed_at)
            """, ct);

    private static async Task<AppDbContext> EnterAsync(AsyncServiceScope scope, PatientObjectKeys.Owner owner, CancellationToken ct)
    {
        await scope.ServiceProvider.GetRequiredService<TenantScope>().EnterPracticeAsWorkerAsync(owner.PracticeId, ct);
        return scope.ServiceProvider.GetRequiredService<AppDbContext>();
    }

    private static Task<PatientDataKey?> FindAsync(AppDbContext db, PatientObjectKeys.Owner owner, CancellationToken ct) =>
        db.PatientDataKeys.AsNoTracking().SingleOrDefaultAsync(k => k.PatientId == owner.PatientId, ct);

    private async Task<byte[]> UnwrapAsync(byte[] wrapped, CancellationToken ct)
    {
        try
        {
            return await masterKeys.DecryptDataKeyAsync(wrapped, ct);
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException("A patient data key did not unwrap under the master key.", e);
        }
    }
}

/// <summary>
/// An object's own data key wrapped under its patient's key (AES-256-GCM, bound to the object key as associated data).
/// Layout: nonce(12) | tag(16) | wrapped key(32).
/// </summary>
public static class PatientKeyWrap
{
    private const int Length = 12 + 16 + 32;
    private static readonly byte[] Label = Encoding.UTF8.GetBytes("orthoscan/storage/object-key-under-patient-key/v1\n");

    public static byte[] Wrap(byte[] patientKey, byte[] dataKey, string objectKey)
    {
        var wrapped = new byte[Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, 12));
        using var aes = new AesGcm(patientKey, 16);
        aes.Encrypt(wrapped.AsSpan(0, 12), dataKey, wrapped.AsSpan(28), wrapped.AsSpan(12, 16), AssociatedData(objectKey));
        return wrapped;
    }

    public static byte[] Unwrap(byte[] patientKey, byte[] wrapped, string objectKey)
    {
        if (wrapped.Length != Length) throw new CryptographicException("Unknown patient-wrapped data key format.");
        var dataKey = new byte[32];
        using var aes = new AesGcm(patientKey, 16);
        aes.Decrypt(wrapped.AsSpan(0, 12), wrapped.AsSpan(28), wrapped.AsSpan(12, 16), dataKey, AssociatedData(objectKey));
        return dataKey;
    }

    private static byte[] AssociatedData(string objectKey) => [.. Label, .. Encoding.UTF8.GetBytes(objectKey)];
}

/// <summary>
/// The data key of one stored object, for both stores: objects of a patient get a fresh key wrapped under the patient's
/// key (format version 2); any other object, or every object when no keyring is given, one wrapped under the master key
/// (version 1). Legacy version-1 objects of a patient stay readable until the patient's key is destroyed.
/// </summary>
public sealed class ObjectDataKeys(IKeyProvider masterKeys, IPatientKeyring? patients)
{
    public sealed record NewKey(byte Version, byte[] Plaintext, byte[] Wrapped);

    public async Task<NewKey> NewAsync(string objectKey, CancellationToken ct)
    {
        if (patients is not null && PatientObjectKeys.OwnerOf(objectKey) is { } owner)
        {
            var patientKey = await patients.GetOrCreateAsync(owner, ct);
            try
            {
                var dataKey = RandomNumberGenerator.GetBytes(32);
                return new NewKey(BlobFileFormat.PatientWrapped, dataKey, PatientKeyWrap.Wrap(patientKey, dataKey, objectKey));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(patientKey);
            }
        }
        var master = await masterKeys.GenerateDataKeyAsync(ct);
        return new NewKey(BlobFileFormat.MasterWrapped, master.Plaintext, master.Wrapped);
    }

    /// <summary>The object's data key in the clear; <see cref="PatientDataShreddedException"/> when its patient's key was destroyed.</summary>
    public async Task<byte[]> UnwrapAsync(string objectKey, byte version, byte[] wrapped, CancellationToken ct)
    {
        var owner = PatientObjectKeys.OwnerOf(objectKey);
        if (version == BlobFileFormat.PatientWrapped)
        {
            if (owner is null || patients is null) throw new BlobCorruptedException(objectKey, "a patient-wrapped key outside a patient's folder");
            var patientKey = await LiveKeyAsync(owner, ct) ?? throw new PatientDataShreddedException();
            try
            {
                return PatientKeyWrap.Unwrap(patientKey, wrapped, objectKey);
            }
            catch (CryptographicException e)
            {
                throw new BlobCorruptedException(objectKey, "the data key did not unwrap under the patient key", e);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(patientKey);
            }
        }

        await EnsureNotShreddedAsync(objectKey, ct);
        try
        {
            return await masterKeys.DecryptDataKeyAsync(wrapped, ct);
        }
        catch (CryptographicException e)
        {
            throw new BlobCorruptedException(objectKey, "the data key did not unwrap", e);
        }
    }

    /// <summary>Refuses any object of an erased patient, legacy ones included (those are only deleted, not shredded).</summary>
    public async Task EnsureNotShreddedAsync(string objectKey, CancellationToken ct)
    {
        if (patients is null || PatientObjectKeys.OwnerOf(objectKey) is not { } owner) return;
        var state = await patients.GetAsync(owner, ct);
        if (state is PatientKeyState.Live live) CryptographicOperations.ZeroMemory(live.Key);
        if (state is PatientKeyState.Destroyed) throw new PatientDataShreddedException();
    }

    /// <summary>True when the object belongs to a patient and new objects of it are patient-wrapped.</summary>
    public bool IsPatientObject(string objectKey) => patients is not null && PatientObjectKeys.OwnerOf(objectKey) is not null;

    private async Task<byte[]?> LiveKeyAsync(PatientObjectKeys.Owner owner, CancellationToken ct) =>
        await patients!.GetAsync(owner, ct) is PatientKeyState.Live live ? live.Key : null;
}
