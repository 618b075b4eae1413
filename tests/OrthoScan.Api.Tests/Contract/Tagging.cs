namespace OrthoScan.Api.Tests.Contract;

/// <summary>POST /scans/sessions/{id}/tags: the tag set recorded and what it did to the session and the patient.</summary>
public sealed record TagSetDto(
    Guid TagSetId,
    Guid SessionId,
    ScanSessionStatus SessionStatus,
    int PatientCurrentStage,
    string PatientFeedback,
    int ReviewSeconds,
    IReadOnlyList<AiOutcomeDto> AiOutcomes);

/// <summary>Per attribute: what the model suggested and what the doctor chose.</summary>
public sealed record AiOutcomeDto(string Attribute, string Suggested, string Chosen, double Confidence, string Model, bool Overridden);

/// <summary>The latest model run's suggestion for one attribute, on a session the practice reads.</summary>
public sealed record AiSuggestionDto(string Attribute, string Value, double Confidence, string ModelName, string ModelVersion);

public enum ReviewAction { ApproveProgression, HoldAligner, Message, ScheduleAppointment }

/// <summary>GET /tags/taxonomy: the vocabulary a review uses, with the words the review screen shows.</summary>
public sealed record TaxonomyDto(
    string Version,
    IReadOnlyList<TaxonomyScoreDto> Scores,
    IReadOnlyList<TaxonomyTermDto> DetailTags,
    IReadOnlyList<TaxonomyTermDto> CustomDetailTags,
    IReadOnlyList<TaxonomyTermDto> Locations,
    string ToothNumbering,
    IReadOnlyList<TaxonomyActionDto> Actions,
    DayRangeDto HoldDays);

/// <summary>A score from <c>min</c> (best) to <c>max</c> (worst); <c>values</c> lists every one, <c>not_applicable</c> last where allowed.</summary>
public sealed record TaxonomyScoreDto(string Attribute, string Label, int Min, int Max, bool NotApplicableAllowed, IReadOnlyList<TaxonomyValueDto> Values);

public sealed record TaxonomyValueDto(string Value, string Label);

public sealed record TaxonomyTermDto(string Code, string Label);

public sealed record TaxonomyActionDto(ReviewAction Action, string Label);

public sealed record DayRangeDto(int Min, int Max);

/// <summary>GET /tags/analytics: tag sets, detail tags and actions in the window, and how often two doctors agree.</summary>
public sealed record TagAnalyticsDto(
    DateOnly From,
    DateOnly To,
    int TagSets,
    IReadOnlyList<DetailTagCountDto> DetailTags,
    IReadOnlyList<ActionCountDto> Actions,
    IReadOnlyList<AgreementDto> Agreement,
    DateTime GeneratedAt);

public sealed record DetailTagCountDto(string Code, int Count);

public sealed record ActionCountDto(ReviewAction Action, int Count);

/// <summary>Null observed agreement or kappa when there are too few pairs (kappa also when chance predicts full agreement).</summary>
public sealed record AgreementDto(string Attribute, int Pairs, double? ObservedAgreement, double? Kappa);
