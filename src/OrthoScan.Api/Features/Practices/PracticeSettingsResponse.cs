namespace OrthoScan.Api.Features.Practices;

/// <summary>The practice's settings as the owner sees them; each data-use choice says who last changed it and when.</summary>
public sealed record PracticeSettingsResponse(
    Guid PracticeId,
    string Name,
    string? Country,
    string? Region,
    string Timezone,
    string? BillingEmail,
    PracticeSettingsResponse.DataChoice ShareDeidentifiedData,
    PracticeSettingsResponse.DataChoice ExternalAiProcessing)
{
    /// <param name="ChangedBy">The member's name, or null when it was never changed (the default, off).</param>
    public sealed record DataChoice(bool Enabled, string? ChangedBy, DateTime? ChangedAt);

    public static async Task<PracticeSettingsResponse> ReadAsync(AppDbContext db, CancellationToken ct)
    {
        var practice = await db.Practices.AsNoTracking().SingleOrDefaultAsync(ct) ?? throw new NotFoundException("practice");
        var s = practice.Settings;
        var changers = new[] { s.ShareDeidentifiedDataChanged?.By, s.ExternalAiProcessingChanged?.By }.OfType<Guid>().ToList();
        var names = await db.PracticeMembers.AsNoTracking().Where(m => changers.Contains(m.UserId))
            .ToDictionaryAsync(m => m.UserId, m => m.Name, ct);

        DataChoice Choice(bool enabled, SettingChange? change) =>
            new(enabled, change is null ? null : names.GetValueOrDefault(change.By, "A former member"), change?.At);

        return new PracticeSettingsResponse(
            practice.Id, practice.Name, s.Country, s.Region, s.Timezone, s.BillingEmail,
            Choice(s.ShareDeidentifiedData, s.ShareDeidentifiedDataChanged),
            Choice(s.ExternalAiProcessing, s.ExternalAiProcessingChanged));
    }
}
