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
    /// <summary>ISO 3166-1 alpha-2; decides where the practice's data and invoices belong.</summary>
    public string? Country { get; set; }
    public string? Region { get; set; }
    /// <summary>Where invoices go; never a patient's address.</summary>
    public string? BillingEmail { get; set; }
    /// <summary>Off until the owner turns it on: de-identified scans and tags may be used for research and training.</summary>
    public bool ShareDeidentifiedData { get; set; }
    public SettingChange? ShareDeidentifiedDataChanged { get; set; }
    /// <summary>Off until the owner turns it on: photos may be sent to an external AI service for suggestions.</summary>
    public bool ExternalAiProcessing { get; set; }
    public SettingChange? ExternalAiProcessingChanged { get; set; }
    /// <summary>The practice's own detail tags (snake_case codes), offered beside the core taxonomy.</summary>
    public List<string> CustomDetailTags { get; set; } = [];
}

/// <summary>Who last turned a data-use choice on or off, and when (the audit log keeps every change).</summary>
public sealed class SettingChange
{
    public Guid By { get; set; }
    public DateTime At { get; set; }
}
