namespace OrthoScan.Api.Infrastructure.Notifications;

/// <summary>A notification as its recipient reads it: the email's subject and body, or the text of an SMS or push.</summary>
/// <param name="AppScreen">For a push: the patient app's screen a tap opens (messages, capture, home); null for the rest.</param>
public sealed record RenderedNotification(string Subject, string Body, string? AppScreen = null);

/// <summary>
/// Every notification's words in English, Spanish, French and German, chosen by the recipient's language. Texts that leave
/// the platform carry no clinical detail: a new message says only that there is one, with a link, never its content.
/// </summary>
public static class NotificationTemplates
{
    /// <summary>The values each template fills in (<c>{name}</c> in its text).</summary>
    public static readonly IReadOnlyDictionary<NotificationTemplate, string[]> Variables = new Dictionary<NotificationTemplate, string[]>
    {
        [NotificationTemplate.PatientInvitation] = ["practice", "code", "link"],
        [NotificationTemplate.StaffInvitation] = ["practice", "code", "link"],
        [NotificationTemplate.PasswordReset] = ["link", "minutes"],
        [NotificationTemplate.NewMessage] = ["practice", "link"],
        [NotificationTemplate.ScanReminder] = ["practice", "link"],
        [NotificationTemplate.RetakeRequested] = ["practice", "link"],
        [NotificationTemplate.ScanReceived] = ["practice", "link"],
    };

    private static readonly Dictionary<(NotificationTemplate, PreferredLanguage), (string Subject, string Body)> Texts = new()
    {
        [(NotificationTemplate.PatientInvitation, PreferredLanguage.En)] = ("Your OrthoScan invitation from {practice}",
            "{practice} invites you to OrthoScan. Open the app and enter the code {code} to connect: {link}"),
        [(NotificationTemplate.PatientInvitation, PreferredLanguage.Es)] = ("Su invitación a OrthoScan de {practice}",
            "{practice} le invita a OrthoScan. Abra la app e introduzca el código {code} para conectarse: {link}"),
        [(NotificationTemplate.PatientInvitation, PreferredLanguage.Fr)] = ("Votre invitation OrthoScan de {practice}",
            "{practice} vous invite sur OrthoScan. Ouvrez l'application et saisissez le code {code} pour vous connecter : {link}"),
        [(NotificationTemplate.PatientInvitation, PreferredLanguage.De)] = ("Ihre OrthoScan-Einladung von {practice}",
            "{practice} lädt Sie zu OrthoScan ein. Öffnen Sie die App und geben Sie den Code {code} ein: {link}"),

        [(NotificationTemplate.StaffInvitation, PreferredLanguage.En)] = ("Join {practice} on OrthoScan",
            "You are invited to join {practice} on OrthoScan. Accept with the code {code} at {link}. The code works once and expires."),
        [(NotificationTemplate.StaffInvitation, PreferredLanguage.Es)] = ("Únase a {practice} en OrthoScan",
            "Le invitan a unirse a {practice} en OrthoScan. Acepte con el código {code} en {link}. El código sirve una vez y caduca."),
        [(NotificationTemplate.StaffInvitation, PreferredLanguage.Fr)] = ("Rejoignez {practice} sur OrthoScan",
            "Vous êtes invité à rejoindre {practice} sur OrthoScan. Acceptez avec le code {code} sur {link}. Le code sert une fois et expire."),
        [(NotificationTemplate.StaffInvitation, PreferredLanguage.De)] = ("Treten Sie {practice} auf OrthoScan bei",
            "Sie sind eingeladen, {practice} auf OrthoScan beizutreten. Nehmen Sie mit dem Code {code} unter {link} an. Der Code gilt einmal und läuft ab."),

        [(NotificationTemplate.PasswordReset, PreferredLanguage.En)] = ("Reset your OrthoScan password",
            "Someone asked to reset the password of your OrthoScan account. Choose a new one within {minutes} minutes: {link} If it was not you, ignore this email."),
        [(NotificationTemplate.PasswordReset, PreferredLanguage.Es)] = ("Restablezca su contraseña de OrthoScan",
            "Alguien pidió restablecer la contraseña de su cuenta de OrthoScan. Elija una nueva en {minutes} minutos: {link} Si no fue usted, ignore este correo."),
        [(NotificationTemplate.PasswordReset, PreferredLanguage.Fr)] = ("Réinitialisez votre mot de passe OrthoScan",
            "Quelqu'un a demandé à réinitialiser le mot de passe de votre compte OrthoScan. Choisissez-en un nouveau dans les {minutes} minutes : {link} Si ce n'était pas vous, ignorez ce message."),
        [(NotificationTemplate.PasswordReset, PreferredLanguage.De)] = ("Setzen Sie Ihr OrthoScan-Passwort zurück",
            "Jemand hat verlangt, das Passwort Ihres OrthoScan-Kontos zurückzusetzen. Wählen Sie innerhalb von {minutes} Minuten ein neues: {link} Waren Sie es nicht, ignorieren Sie diese E-Mail."),

        [(NotificationTemplate.NewMessage, PreferredLanguage.En)] = ("New message from {practice}",
            "You have a new message from your orthodontist. Read it in the OrthoScan app: {link}"),
        [(NotificationTemplate.NewMessage, PreferredLanguage.Es)] = ("Nuevo mensaje de {practice}",
            "Tiene un nuevo mensaje de su ortodoncista. Léalo en la app OrthoScan: {link}"),
        [(NotificationTemplate.NewMessage, PreferredLanguage.Fr)] = ("Nouveau message de {practice}",
            "Vous avez un nouveau message de votre orthodontiste. Lisez-le dans l'application OrthoScan : {link}"),
        [(NotificationTemplate.NewMessage, PreferredLanguage.De)] = ("Neue Nachricht von {practice}",
            "Sie haben eine neue Nachricht von Ihrer kieferorthopädischen Praxis. Lesen Sie sie in der OrthoScan-App: {link}"),

        [(NotificationTemplate.ScanReminder, PreferredLanguage.En)] = ("Time for your OrthoScan check-in",
            "It is time for your next OrthoScan check-in with {practice}. Open the app and take your photos: {link}"),
        [(NotificationTemplate.ScanReminder, PreferredLanguage.Es)] = ("Es hora de su control con OrthoScan",
            "Es hora de su próximo control de OrthoScan con {practice}. Abra la app y haga sus fotos: {link}"),
        [(NotificationTemplate.ScanReminder, PreferredLanguage.Fr)] = ("C'est l'heure de votre suivi OrthoScan",
            "C'est l'heure de votre prochain suivi OrthoScan avec {practice}. Ouvrez l'application et prenez vos photos : {link}"),
        [(NotificationTemplate.ScanReminder, PreferredLanguage.De)] = ("Zeit für Ihren OrthoScan-Check",
            "Es ist Zeit für Ihren nächsten OrthoScan-Check mit {practice}. Öffnen Sie die App und machen Sie Ihre Fotos: {link}"),

        // Which views and why stays in the app: outside it, only that something is asked.
        [(NotificationTemplate.RetakeRequested, PreferredLanguage.En)] = ("Please retake some photos for {practice}",
            "Some photos of your latest OrthoScan check-in need to be taken again. Open the app to see which: {link}"),
        [(NotificationTemplate.RetakeRequested, PreferredLanguage.Es)] = ("Repita algunas fotos para {practice}",
            "Algunas fotos de su último control de OrthoScan deben hacerse de nuevo. Abra la app para ver cuáles: {link}"),
        [(NotificationTemplate.RetakeRequested, PreferredLanguage.Fr)] = ("Merci de reprendre quelques photos pour {practice}",
            "Certaines photos de votre dernier suivi OrthoScan doivent être reprises. Ouvrez l'application pour voir lesquelles : {link}"),
        [(NotificationTemplate.RetakeRequested, PreferredLanguage.De)] = ("Bitte einige Fotos für {practice} neu aufnehmen",
            "Einige Fotos Ihres letzten OrthoScan-Checks müssen neu aufgenommen werden. Öffnen Sie die App, um zu sehen, welche: {link}"),

        [(NotificationTemplate.ScanReceived, PreferredLanguage.En)] = ("{practice} received your check-in",
            "Your OrthoScan photos arrived and are with your orthodontist. Details in the app: {link}"),
        [(NotificationTemplate.ScanReceived, PreferredLanguage.Es)] = ("{practice} recibió su control",
            "Sus fotos de OrthoScan llegaron y las tiene su ortodoncista. Detalles en la app: {link}"),
        [(NotificationTemplate.ScanReceived, PreferredLanguage.Fr)] = ("{practice} a reçu votre suivi",
            "Vos photos OrthoScan sont arrivées chez votre orthodontiste. Détails dans l'application : {link}"),
        [(NotificationTemplate.ScanReceived, PreferredLanguage.De)] = ("{practice} hat Ihren Check erhalten",
            "Ihre OrthoScan-Fotos sind bei Ihrer kieferorthopädischen Praxis angekommen. Details in der App: {link}"),
    };

    /// <exception cref="InvalidOperationException">A value the template needs is missing (a bug in whoever queued it).</exception>
    /// <summary>Fails when a value the template shows is missing (a bug of the caller, found when it queues, not at delivery).</summary>
    public static void RequireValues(NotificationTemplate template, IReadOnlyDictionary<string, string> values)
    {
        if (Variables[template].FirstOrDefault(name => !values.ContainsKey(name)) is { } missing)
            throw new InvalidOperationException($"The {template} notification needs '{missing}'.");
    }

    public static RenderedNotification Render(NotificationTemplate template, PreferredLanguage language, IReadOnlyDictionary<string, string> values)
    {
        RequireValues(template, values);
        var (subject, body) = Texts.TryGetValue((template, language), out var text) ? text : Texts[(template, PreferredLanguage.En)];
        foreach (var name in Variables[template])
        {
            var value = values[name];
            subject = subject.Replace("{" + name + "}", value, StringComparison.Ordinal);
            body = body.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return new RenderedNotification(subject, body, AppScreenOf(template));
    }

    /// <summary>Where the app goes when the patient taps the push: a name of a screen, nothing about the patient.</summary>
    private static string? AppScreenOf(NotificationTemplate template) => template switch
    {
        NotificationTemplate.NewMessage => "messages",
        NotificationTemplate.ScanReminder => "capture",
        NotificationTemplate.RetakeRequested or NotificationTemplate.ScanReceived => "home",
        _ => null,
    };
}
