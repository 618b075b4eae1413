using OrthoScan.Api.Infrastructure.Audit;

namespace OrthoScan.Api.Features.Auth;

/// <summary>
/// <c>OrthoScan.Api create-platform-user --email E --role finance|platform_admin [--base-url URL]</c>: the only way a
/// finance or platform-admin account comes to exist (sign-up always creates a practice owner). The account belongs to
/// no practice and has no password yet: the printed one-time link opens the dashboard's accept-invitation page, where
/// the user sets a password and then enrols TOTP, like an invited doctor.
/// </summary>
public static class CreatePlatformUser
{
    public const string Usage = "usage: OrthoScan.Api create-platform-user --email EMAIL --role finance|platform_admin [--base-url URL]";
    public const string DefaultBaseUrl = "http://127.0.0.1:5080";

    public sealed record Command(string Email, string Role, string BaseUrl)
    {
        public Role PlatformRole => Roles.TryParse(Role)!.Value;
    }

    public sealed record Created(Guid UserId, string Email, Role Role, string SetupLink, DateTime ExpiresAt);

    public sealed class Validator : AbstractValidator<Command>
    {
        public Validator()
        {
            RuleFor(c => c.Email).NotEmpty().EmailAddress().MaximumLength(320);
            RuleFor(c => c.Role).Must(r => Roles.TryParse(r) is Domain.Role.Finance or Domain.Role.PlatformAdmin)
                .WithMessage("Use --role finance or --role platform_admin.");
            RuleFor(c => c.BaseUrl).Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                .WithMessage("Use an absolute http(s) URL of the dashboard.");
        }
    }

    /// <returns>The process exit code: 0 when the account was created, 2 for bad arguments, 1 when the email is taken.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (Parse(args) is not { } command)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }
        var validation = await new Validator().ValidateAsync(command);
        if (!validation.IsValid)
        {
            foreach (var failure in validation.Errors) await error.WriteLineAsync($"--{failure.PropertyName.ToLowerInvariant()}: {failure.ErrorMessage}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        try
        {
            var created = await CreateAsync(scope.ServiceProvider, command, CancellationToken.None);
            await output.WriteLineAsync($"""
                Created {created.Role.ToClaim()} {created.Email} (belongs to no practice).
                One-time set-up link, valid until {created.ExpiresAt:u}:
                  {created.SetupLink}
                The user sets a password there, then enrols an authenticator app (TOTP) at first sign-in.
                """);
            return 0;
        }
        catch (ConflictException conflict)
        {
            await error.WriteLineAsync(conflict.Title);
            return 1;
        }
    }

    /// <summary>Creates the account (or, for one that never set a password, replaces its unused link) and issues the link.</summary>
    public static async Task<Created> CreateAsync(IServiceProvider services, Command command, CancellationToken ct)
    {
        var db = services.GetRequiredService<AppDbContext>();
        var codes = services.GetRequiredService<InvitationCodes>();
        var clock = services.GetRequiredService<TimeProvider>();
        var email = PasswordRules.NormalizeEmail(command.Email);
        var role = command.PlatformRole;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var account = await db.UserAccounts.SingleOrDefaultAsync(u => u.Email == email, ct);
        if (account is null)
        {
            account = new UserAccount { Email = email, PlatformRole = role, CreatedAt = clock.UtcNow() };
            db.UserAccounts.Add(account);
            await db.SaveChangesAsync(ct);
        }
        else if (account.PlatformRole != role || account.PasswordHash is not null)
        {
            throw new ConflictException("email-taken", $"{email} already has an account; platform users need an email of their own.");
        }
        var code = await codes.IssueAsync(OneTimeCodePurpose.StaffInvitation, account.Id, ct);
        // No signed-in user runs the command: the platform chain records it as the binary's, about the new account.
        await services.GetRequiredService<PlatformAuditWriter>().WriteAsync(
            new PlatformAuditRecord(null, PlatformAuditWriter.CliActorRole, MessageNames.ActionOf(typeof(Command)), "user", account.Id, null, null), ct);
        await transaction.CommitAsync(ct);
        var link = $"{command.BaseUrl.TrimEnd('/')}/accept-invitation/?code={code.Code}";
        return new Created(account.Id, email, role, link, code.ExpiresAt);
    }

    private static Command? Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is not ("--email" or "--role" or "--base-url") || i + 1 >= args.Count || values.ContainsKey(args[i])) return null;
            values[args[i]] = args[i + 1];
        }
        if (!values.TryGetValue("--email", out var email) || !values.TryGetValue("--role", out var role)) return null;
        return new Command(email, role, values.GetValueOrDefault("--base-url", DefaultBaseUrl));
    }
}
