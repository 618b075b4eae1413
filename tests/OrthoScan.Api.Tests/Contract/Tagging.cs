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
