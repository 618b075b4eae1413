namespace OrthoScan.Api.Infrastructure.Storage;

/// <summary>Links to photo derivatives live long enough to open a review, and not long enough to be worth passing around.</summary>
public static class PhotoLinks
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
}
