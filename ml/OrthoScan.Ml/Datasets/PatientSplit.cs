using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrthoScan.Ml.Datasets;

/// <summary>
/// Puts each patient, with all their sessions, in train, validation or test: HMAC-SHA256 keyed by the seed over the
/// patient's original id gives a number in [0, 1) that the fractions cut. The same seed and patient always land in the
/// same split; another seed shuffles them. Only the split name reaches the dataset, never the hash.
/// </summary>
internal sealed class PatientSplit
{
    private readonly byte[] key;
    private readonly double train;
    private readonly double validation;

    public PatientSplit(int seed, double trainFraction, double validationFraction)
    {
        if (trainFraction is <= 0 or > 1 || validationFraction < 0 || trainFraction + validationFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trainFraction),
                "The train fraction must be in (0, 1], the validation fraction at least 0, and together at most 1.");
        }

        key = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(key, seed);
        train = trainFraction;
        validation = validationFraction;
    }

    public string Of(Guid patientId)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, patientId.ToByteArray(), hash);
        var position = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        return position < train ? DatasetLayout.Train
            : position < train + validation ? DatasetLayout.Validation
            : DatasetLayout.Test;
    }
}
