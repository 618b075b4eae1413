namespace OrthoScan.Api.Domain;

public sealed class Practice
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public string? Address { get; set; }
    public SubscriptionTier SubscriptionTier { get; set; } = SubscriptionTier.Trial;
    public decimal TaggingRate { get; set; }
    public decimal DiscountPercent { get; set; }
    public PracticeSettings Settings { get; set; } = new();
    public PracticeStatus Status { get; set; } = PracticeStatus.Active;
    public DateTime CreatedAt { get; set; }
}

public sealed class PracticeSettings
{
    public string Timezone { get; set; } = "UTC";
    public bool ShareDeidentifiedData { get; set; }
    /// <summary>The practice's own detail tags (snake_case codes), offered beside the core taxonomy.</summary>
    public List<string> CustomDetailTags { get; set; } = [];
}
