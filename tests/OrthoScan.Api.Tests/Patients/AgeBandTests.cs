using System.Globalization;
using OrthoScan.Api.Domain;
using Shouldly;

namespace OrthoScan.Api.Tests.Patients;

/// <summary>The age band is the age in whole years on the day asked: a band starts on the birthday itself, not the day after.</summary>
public sealed class AgeBandTests
{
    private static readonly DateOnly Born = new(2000, 6, 15);

    [Theory]
    [InlineData("2000-06-15", AgeBand.Under12)]
    [InlineData("2012-06-14", AgeBand.Under12)]
    [InlineData("2012-06-15", AgeBand.From12To17)]
    [InlineData("2018-06-14", AgeBand.From12To17)]
    [InlineData("2018-06-15", AgeBand.From18To29)]
    [InlineData("2030-06-14", AgeBand.From18To29)]
    [InlineData("2030-06-15", AgeBand.From30To44)]
    [InlineData("2045-06-14", AgeBand.From30To44)]
    [InlineData("2045-06-15", AgeBand.From45)]
    [InlineData("2090-01-01", AgeBand.From45)]
    public void Each_band_starts_on_its_birthday(string today, AgeBand expected) =>
        AgeBands.Of(Born, DateOnly.Parse(today, CultureInfo.InvariantCulture)).ShouldBe(expected);

    [Theory]
    [InlineData("2018-02-28", AgeBand.From12To17)]
    [InlineData("2018-03-01", AgeBand.From18To29)]
    [InlineData("2012-02-29", AgeBand.From12To17)]
    public void A_leap_day_birthday_turns_over_on_the_first_of_March_in_common_years(string today, AgeBand expected) =>
        AgeBands.Of(new DateOnly(2000, 2, 29), DateOnly.Parse(today, CultureInfo.InvariantCulture)).ShouldBe(expected);
}
