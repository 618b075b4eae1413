namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /ai/model: the practice's suggester, the non-diagnostic notice and the loaded model's card (null without one).</summary>
public sealed record AiModelDto(string Suggester, string Notice, ModelCardDto? Card);

public sealed record ModelCardDto(
    string Name, string Version, DateTime TrainedAt, string TaxonomyVersion, int TrainingTagSets, IReadOnlyList<AttributeEvaluationDto> Evaluation);

public sealed record AttributeEvaluationDto(
    string Attribute, int TestRows, double Accuracy, double MacroF1, double BaselineAccuracy, double BaselineMacroF1,
    IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<int>> Confusion);

/// <summary>GET /dashboard/ai-acceptance: acceptance per attribute, model version and doctor, and suggested-vs-final confusion per score.</summary>
public sealed record AiAcceptanceReportDto(
    int Weeks,
    DateOnly From,
    DateOnly To,
    IReadOnlyList<AttributeAcceptanceDto> ByAttribute,
    IReadOnlyList<ModelAcceptanceDto> ByModel,
    IReadOnlyList<DoctorAcceptanceDto> ByDoctor,
    IReadOnlyList<AiConfusionDto> Confusion,
    DateTime GeneratedAt);

public sealed record AttributeAcceptanceDto(string Attribute, int Suggested, int Accepted, double? Rate);

public sealed record ModelAcceptanceDto(string Model, string Attribute, int Suggested, int Accepted, double? Rate);

public sealed record DoctorAcceptanceDto(Guid DoctorId, string DoctorName, int Suggested, int Accepted, double? Rate);

public sealed record AiConfusionDto(string Attribute, IReadOnlyList<string> Values, IReadOnlyList<IReadOnlyList<int>> Counts);
