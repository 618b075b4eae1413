using System.Text.Json.Serialization;

namespace OrthoScan.Api.Domain;

/// <summary>A coarse age that research exports and the dashboard use instead of the date of birth.</summary>
public enum AgeBand
{
    [JsonStringEnumMemberName("under_12")] Under12,
    [JsonStringEnumMemberName("12_17")] From12To17,
    [JsonStringEnumMemberName("18_29")] From18To29,
    [JsonStringEnumMemberName("30_44")] From30To44,
    [JsonStringEnumMemberName("45_plus")] From45,
}

public static class AgeBands
{
    /// <summary>
    /// The band of the age in whole years on <paramref name="today"/>: a year is complete on the birthday itself, and a
    /// 29 February birthday completes it on 1 March in common years.
    /// </summary>
    public static AgeBand Of(DateOnly dateOfBirth, DateOnly today)
    {
        var age = today.Year - dateOfBirth.Year;
        if ((today.Month, today.Day).CompareTo((dateOfBirth.Month, dateOfBirth.Day)) < 0) age--;
        return age switch
        {
            < 12 => AgeBand.Under12,
            < 18 => AgeBand.From12To17,
            < 30 => AgeBand.From18To29,
            < 45 => AgeBand.From30To44,
            _ => AgeBand.From45,
        };
    }
}
