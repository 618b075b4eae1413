namespace OrthoScan.Api.Features.Practices;

/// <summary>The caller's practice and who the caller is in it: what the dashboard's top bar shows.</summary>
public static class GetCurrentPractice
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query : IQuery<Response>;

    public sealed record Response(Guid Id, string Name, string? Address, SubscriptionTier SubscriptionTier, PracticeStatus Status, Member Me);

    public sealed record Member(Guid Id, Guid UserId, string Name, string Email, Role Role);

    public sealed class Handler(AppDbContext db, RequestContext context) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var practice = await db.Practices.AsNoTracking().SingleOrDefaultAsync(ct) ?? throw new NotFoundException("practice");
            var me = await (from m in db.PracticeMembers.AsNoTracking()
                            join u in db.UserAccounts.AsNoTracking() on m.UserId equals u.Id
                            where m.UserId == context.UserId
                            select new Member(m.Id, m.UserId, m.Name, u.Email, m.Role)).SingleOrDefaultAsync(ct)
                     ?? throw new NotFoundException("practice member");
            return new Response(practice.Id, practice.Name, practice.Address, practice.SubscriptionTier, practice.Status, me);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/practice", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Practice").WithName("GetCurrentPractice").RequireAuthorization()
                .WithSummary("Get the caller's practice")
                .WithDescription(
                    "The signed-in member's practice (name, address, subscription tier, status) and who the caller is in it: member " +
                    "id, name, email and role.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status401Unauthorized);
    }
}
