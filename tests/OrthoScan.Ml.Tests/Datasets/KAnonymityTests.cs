using OrthoScan.Ml.Datasets;

namespace OrthoScan.Ml.Tests.Datasets;

public sealed class KAnonymityTests
{
    private static QuasiIdentifiers Q(string age = "18_29", string type = "full", string brand = "invisalign", string region = "DE-BY") =>
        new(age, type, brand, region);

    [Fact]
    public void A_combination_shared_by_K_patients_is_kept_as_it_is()
    {
        var plan = KAnonymity.Plan([new(Q(), 5)], k: 5);

        plan.Map(Q()).ShouldBe(Q());
        plan.GeneralisedPatients.ShouldBe(0);
        plan.SuppressedPatients.ShouldBe(0);
    }

    [Fact]
    public void Rare_brands_become_other_and_join_each_other()
    {
        var plan = KAnonymity.Plan([new(Q(), 9), new(Q(brand: "spark"), 3), new(Q(brand: "clearcorrect"), 2)], k: 5);

        plan.Map(Q()).ShouldBe(Q());
        plan.Map(Q(brand: "spark")).ShouldBe(Q(brand: "other"));
        plan.Map(Q(brand: "clearcorrect")).ShouldBe(Q(brand: "other"));
        plan.GeneralisedPatients.ShouldBe(5);
        plan.SuppressedPatients.ShouldBe(0);
    }

    [Fact]
    public void Rare_combinations_climb_the_ladder_until_K_patients_share_one()
    {
        // Different brands and regions of one country, different adult bands: they meet at (18_plus, full, other, DE).
        var plan = KAnonymity.Plan([new(Q("18_29", brand: "a", region: "DE-BY"), 2), new(Q("30_44", brand: "b", region: "DE-BE"), 3)], k: 5);

        plan.Map(Q("18_29", brand: "a", region: "DE-BY")).ShouldBe(Q("18_plus", brand: "other", region: "DE"));
        plan.Map(Q("30_44", brand: "b", region: "DE-BE")).ShouldBe(Q("18_plus", brand: "other", region: "DE"));
        plan.GeneralisedPatients.ShouldBe(5);
    }

    [Fact]
    public void What_stays_below_K_at_the_top_of_the_ladder_is_suppressed_and_counted()
    {
        var plan = KAnonymity.Plan([new(Q(), 6), new(Q("under_12", "partial", "spark", "FR-IDF"), 4)], k: 5);

        plan.Map(Q()).ShouldBe(Q());
        plan.Map(Q("under_12", "partial", "spark", "FR-IDF")).ShouldBeNull();
        plan.SuppressedPatients.ShouldBe(4);
        plan.GeneralisedPatients.ShouldBe(0);
        plan.Emitted.ShouldBe([new QuasiIdentifierCount(Q(), 6)]);
    }

    [Fact]
    public void A_combination_the_counts_did_not_see_is_left_out() =>
        KAnonymity.Plan([new(Q(), 5)], k: 5).Map(Q(brand: "never_counted")).ShouldBeNull();

    [Fact]
    public void Every_emitted_combination_is_shared_by_at_least_K_counted_patients()
    {
        var random = new Random(7);
        string[] ages = ["under_12", "12_17", "18_29", "30_44", "45_plus", "unknown"];
        string[] types = ["full", "partial", "refinement", "unknown"];
        string[] brands = ["invisalign", "spark", "clearcorrect", "angel", "unknown"];
        string[] regions = ["DE-BY", "DE-BE", "FR-IDF", "US-CA", "US-NY", "unknown"];
        var counts = (from a in ages from t in types from b in brands from r in regions
                      select new QuasiIdentifierCount(new(a, t, b, r), random.Next(0, 7))).ToList();

        var plan = KAnonymity.Plan(counts, k: 10);

        var perEmitted = counts.Where(c => plan.Map(c.Identifiers) is not null)
            .GroupBy(c => plan.Map(c.Identifiers)!).ToDictionary(g => g.Key, g => g.Sum(c => c.Patients));
        perEmitted.Values.ShouldAllBe(patients => patients >= 10);
        plan.Emitted.ToDictionary(e => e.Identifiers, e => e.Patients).ShouldBe(perEmitted, ignoreOrder: true);
        var suppressed = counts.Where(c => plan.Map(c.Identifiers) is null).Sum(c => c.Patients);
        plan.SuppressedPatients.ShouldBe(suppressed);
        plan.GeneralisedPatients.ShouldBe(counts.Where(c => plan.Map(c.Identifiers) is { } m && m != c.Identifiers).Sum(c => c.Patients));
        (perEmitted.Values.Sum() + suppressed).ShouldBe(counts.Sum(c => c.Patients));
    }

    [Fact]
    public void The_plan_depends_on_the_counts_not_their_order()
    {
        List<QuasiIdentifierCount> counts = [new(Q(), 7), new(Q(brand: "spark"), 2), new(Q("45_plus", region: "US-CA"), 3), new(Q(type: "partial"), 4)];

        var forward = KAnonymity.Plan(counts, 5);
        var backward = KAnonymity.Plan(Enumerable.Reverse(counts), 5);

        foreach (var count in counts) backward.Map(count.Identifiers).ShouldBe(forward.Map(count.Identifiers));
        backward.Emitted.ShouldBe(forward.Emitted);
    }

    [Fact]
    public void K_below_five_is_refused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => KAnonymity.Plan([new(Q(), 10)], k: 4));
}
