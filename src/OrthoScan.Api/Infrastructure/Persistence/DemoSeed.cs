using Microsoft.Extensions.Options;
using OrthoScan.Api.Infrastructure.Notifications;

namespace OrthoScan.Api.Infrastructure.Persistence;

/// <summary>
/// A demo practice for local runs (owner, doctor, staff and 20 patients, scans, and a closed past billing period whose
/// discount proposal waits for finance) and the platform's demo finance and admin users, who belong to no practice.
/// Idempotent; never run in production.
/// </summary>
public static class DemoSeed
{
    public const string OwnerEmail = "owner@demo.orthoscan.local";
    public const string DoctorEmail = "doctor@demo.orthoscan.local";
    public const string StaffEmail = "staff@demo.orthoscan.local";
    public const string FinanceEmail = "finance@demo.orthoscan.local";
    public const string AdminEmail = "admin@demo.orthoscan.local";
    public const string Password = "Demo-Password-2026";

    private static readonly (string First, string Last)[] Names =
    [
        ("Emma", "Schmidt"), ("Liam", "Garcia"), ("Sofia", "Martin"), ("Noah", "Dubois"), ("Mia", "Rossi"),
        ("Lucas", "Müller"), ("Chloé", "Bernard"), ("Mateo", "Lopez"), ("Hannah", "Weber"), ("Leo", "Moreau"),
        ("Olivia", "Fischer"), ("Hugo", "Fernandez"), ("Lea", "Wagner"), ("Daniel", "Petit"), ("Zoe", "Becker"),
        ("Jonas", "Sanchez"), ("Alma", "Roux"), ("Elias", "Hoffmann"), ("Ines", "Navarro"), ("Adam", "Laurent"),
    ];

    public static async Task RunAsync(IServiceProvider services, TextWriter? output = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        var hasher = scope.ServiceProvider.GetRequiredService<PasswordHasher>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<Practice>>();

        if (!await db.UserAccounts.AnyAsync(u => u.Email == OwnerEmail))
        {
            await SeedAsync(db, tenant, hasher);
            logger.LogInformation("Seeded the demo practice");
        }
        var demoPractice = await DemoPracticeIdAsync(db, tenant);
        await DemoScans.SeedAsync(services, demoPractice, CancellationToken.None);
        await DemoScans.SeedSettledPeriodAsync(services, demoPractice, CancellationToken.None);
        await SeedPlatformUserAsync(db, hasher, FinanceEmail, Role.Finance);
        await SeedPlatformUserAsync(db, hasher, AdminEmail, Role.PlatformAdmin);
        // Each run replaces the code of the run before: the printed one is the one that works.
        var app = await IssueInvitationAsync(services, notSignedInFirst: true);
        var appLink = services.GetRequiredService<IOptions<NotificationsOptions>>().Value.PatientAppLink(app.Code.Code);

        (output ?? Console.Out).WriteLine($"""

            Demo practice "Bright Smiles Orthodontics" (password for all: {Password})
              owner   {OwnerEmail}
              doctor  {DoctorEmail}
              staff   {StaffEmail}
            Platform users (no practice; counts and rates only, never a patient), same password
              finance         {FinanceEmail}
              platform admin  {AdminEmail}
            Each enrols an authenticator app (TOTP) at first sign-in.
            API docs: http://127.0.0.1:5080/docs
            {AppInvitationLinePrefix}{appLink} (code {app.Code.Code}, valid until {app.Code.ExpiresAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC; patient {app.Name})
            """);
    }

    /// <summary>How the seed's output line with the patient app's link starts.</summary>
    public const string AppInvitationLinePrefix = "Demo patient app: ";

    /// <summary>A fresh app activation code for a demo patient, for scripts that act as the patient app locally.</summary>
    public static async Task<string> IssuePatientCodeAsync(IServiceProvider services) =>
        (await IssueInvitationAsync(services, notSignedInFirst: false)).Code.Code;

    /// <summary>
    /// What inviting a demo patient issues (<see cref="InvitationCodes"/>, as Patients/InvitePatient does), without sending
    /// anything. <paramref name="notSignedInFirst"/>: a patient still invited, who never signed in to the app (signing in
    /// makes them active), if there is one. The demo's first patient by name is an active one, whom `demo-patient-code`
    /// (`make demo-scan`) takes: so a demo scan does not replace the code the seed printed.
    /// </summary>
    private static async Task<(string Name, IssuedCode Code)> IssueInvitationAsync(IServiceProvider services, bool notSignedInFirst)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tenant = scope.ServiceProvider.GetRequiredService<TenantScope>();
        await tenant.EnterPracticeAsWorkerAsync(await DemoPracticeIdAsync(db, tenant), CancellationToken.None);
        var invitable = db.Patients.AsNoTracking().Where(p => p.Status != PatientStatus.Archived && p.Status != PatientStatus.Erased);
        var patient = (notSignedInFirst
                          ? await invitable.Where(p => p.Status == PatientStatus.Invited).OrderBy(p => p.LastName).ThenBy(p => p.FirstName).FirstOrDefaultAsync()
                          : null)
                      ?? await invitable.OrderBy(p => p.LastName).ThenBy(p => p.FirstName).FirstAsync();
        var code = await scope.ServiceProvider.GetRequiredService<InvitationCodes>().IssueAsync(OneTimeCodePurpose.PatientInvitation, patient.Id, CancellationToken.None);
        return ($"{patient.FirstName} {patient.LastName}", code);
    }

    internal static async Task<Guid> DemoPracticeIdAsync(AppDbContext db, TenantScope tenant)
    {
        var owner = await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(u => u.Email == OwnerEmail)
                    ?? throw new InvalidOperationException("Run `make seed` first: there is no demo practice.");
        return (await Features.Auth.Memberships.FindActiveAsync(db, tenant, owner.Id, CancellationToken.None))!.PracticeId;
    }

    /// <summary>What create-platform-user makes, with the demo password set instead of a set-up link.</summary>
    private static async Task SeedPlatformUserAsync(AppDbContext db, PasswordHasher hasher, string email, Role role)
    {
        if (await db.UserAccounts.AnyAsync(u => u.Email == email)) return;
        db.UserAccounts.Add(new UserAccount { Email = email, PasswordHash = hasher.Hash(Password), PlatformRole = role, CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    private static async Task SeedAsync(AppDbContext db, TenantScope tenant, PasswordHasher hasher)
    {
        var now = DateTime.UtcNow;
        var practice = new Practice { Name = "Bright Smiles Orthodontics", Address = "12 Harbour Street, Dublin", CreatedAt = now };
        await using var transaction = await db.Database.BeginTransactionAsync();
        await tenant.EnterPracticeAsync(practice.Id, null, Role.Owner, CancellationToken.None);
        db.Practices.Add(practice);

        var passwordHash = hasher.Hash(Password);
        PracticeMember Member(string email, string name, Role role)
        {
            var account = new UserAccount { Email = email, PasswordHash = passwordHash, CreatedAt = now };
            db.UserAccounts.Add(account);
            var member = new PracticeMember { PracticeId = practice.Id, UserId = account.Id, Name = name, Role = role, CreatedAt = now };
            db.PracticeMembers.Add(member);
            return member;
        }

        var owner = Member(OwnerEmail, "Dr. Aoife Byrne", Role.Owner);
        // The owner shares de-identified data, so the demo practice's tagged scans train the demo model (`train-demo-model`).
        practice.Settings.ShareDeidentifiedData = true;
        practice.Settings.ShareDeidentifiedDataChanged = new SettingChange { By = owner.UserId, At = now };
        var doctor = Member(DoctorEmail, "Dr. Samuel Okafor", Role.Doctor);
        var staff = Member(StaffEmail, "Nora Kelly", Role.Staff);

        var random = new Random(2026);
        var languages = Enum.GetValues<PreferredLanguage>();
        for (var i = 0; i < Names.Length; i++)
        {
            var (first, last) = Names[i];
            var total = random.Next(14, 40);
            db.Patients.Add(new Patient
            {
                PracticeId = practice.Id,
                DoctorId = doctor.Id,
                FirstName = first,
                LastName = last,
                DateOfBirth = new DateOnly(1975 + random.Next(0, 35), random.Next(1, 13), random.Next(1, 29)),
                AlignerBrand = i % 3 == 0 ? "Invisalign" : i % 3 == 1 ? "ClearCorrect" : "Spark",
                TotalStages = total,
                CurrentStage = random.Next(1, total),
                ScanFrequency = i % 4 == 0 ? ScanFrequency.Biweekly : ScanFrequency.Weekly,
                Status = i < 15 ? PatientStatus.Active : PatientStatus.Invited,
                Email = $"{first.ToLowerInvariant()}.{i}@patients.example",
                PreferredLanguage = languages[i % languages.Length],
                Timezone = "Europe/Dublin",
                // The active patients consent to research use, so `train-demo-model` has their tagged scans to learn from.
                ResearchConsent = i < 15,
                ResearchConsentAt = i < 15 ? now : null,
                ResearchConsentRecordedBy = i < 15 ? staff.UserId : null,
                TreatmentStartDate = DateOnly.FromDateTime(now).AddDays(-30 - 9 * i),
                CreatedAt = now,
                UpdatedAt = now,
            });
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }
}
