namespace OrthoScan.Api.Features.Tagging;

/// <summary>The review's outcome as the patient reads it, in their language. Plain words, no clinical detail.</summary>
public static class PatientFeedback
{
    public static string For(PreferredLanguage language, ReviewAction action, int alignerNow, int? holdDays) => (language, action) switch
    {
        (PreferredLanguage.Es, ReviewAction.ApproveProgression) => $"¡Buen progreso! Pase al alineador {alignerNow}.",
        (PreferredLanguage.Es, ReviewAction.HoldAligner) => $"Siga con el alineador {alignerNow} {holdDays} días más.",
        (PreferredLanguage.Es, ReviewAction.Message) => "Su ortodoncista revisó su escaneo y le enviará un mensaje.",
        (PreferredLanguage.Es, _) => "Su ortodoncista quiere verle: pida una cita, por favor.",
        (PreferredLanguage.Fr, ReviewAction.ApproveProgression) => $"Très bon suivi ! Passez à la gouttière {alignerNow}.",
        (PreferredLanguage.Fr, ReviewAction.HoldAligner) => $"Gardez la gouttière {alignerNow} encore {holdDays} jours.",
        (PreferredLanguage.Fr, ReviewAction.Message) => "Votre orthodontiste a vu votre scan et va vous écrire.",
        (PreferredLanguage.Fr, _) => "Votre orthodontiste souhaite vous voir : prenez rendez-vous, s'il vous plaît.",
        (PreferredLanguage.De, ReviewAction.ApproveProgression) => $"Sehr gut! Wechseln Sie zu Aligner {alignerNow}.",
        (PreferredLanguage.De, ReviewAction.HoldAligner) => $"Tragen Sie Aligner {alignerNow} noch {holdDays} Tage.",
        (PreferredLanguage.De, ReviewAction.Message) => "Ihr Kieferorthopäde hat Ihren Scan angesehen und schreibt Ihnen.",
        (PreferredLanguage.De, _) => "Ihr Kieferorthopäde möchte Sie sehen: Bitte vereinbaren Sie einen Termin.",
        (_, ReviewAction.ApproveProgression) => $"Great tracking! Move to aligner {alignerNow}.",
        (_, ReviewAction.HoldAligner) => $"Keep aligner {alignerNow} for {holdDays} more days.",
        (_, ReviewAction.Message) => "Your orthodontist reviewed your scan and will message you.",
        _ => "Your orthodontist would like to see you: please book an appointment.",
    };
}
