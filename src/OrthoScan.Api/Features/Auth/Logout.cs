namespace OrthoScan.Api.Features.Auth;

/// <summary>Ends this sign-in everywhere it lives: its refresh tokens and the access token in hand.</summary>
public static class Logout
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff, Role.Patient, Role.Finance, Role.PlatformAdmin)]
    public sealed record Command : ICommand<Unit>;

    public sealed class Handler(RequestContext context, TokenRevocations revocations, SessionIssuer sessions) : ICommandHandler<Command, Unit>
    {
        public async ValueTask<Unit> Handle(Command command, CancellationToken ct)
        {
            if (context.TokenId is { } jti) await revocations.RevokeTokenAsync(jti);
            if (context.SessionFamily is { } family) await sessions.RevokeAsync(t => t.FamilyId == family, ct);
            return Unit.Value;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapPost($"{Routes.V1}/auth/logout", async (HttpContext http, ISender sender, CancellationToken ct) =>
                {
                    await sender.Send(new Command(), ct);
                    RefreshCookie.Clear(http);
                    return Results.NoContent();
                })
                .WithTags("Auth").WithName("Logout").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status401Unauthorized)
                .WithSummary("Sign out")
                .WithDescription(
                    "Ends the caller's sign-in: revokes its refresh tokens and the access token in hand, and clears the dashboard's " +
                    "refresh cookie.");
    }
}
