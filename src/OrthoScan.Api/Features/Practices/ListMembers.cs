namespace OrthoScan.Api.Features.Practices;

/// <summary>The practice's team: who can be assigned as a patient's doctor, and who is still invited.</summary>
public static class ListMembers
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query : IQuery<Response>;

    public sealed record Response(IReadOnlyList<Member> Items);

    public sealed record Member(Guid Id, string Name, string Email, Role Role, MemberStatus Status);

    public sealed class Handler(AppDbContext db) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var members = await (from m in db.PracticeMembers.AsNoTracking()
                                 join u in db.UserAccounts.AsNoTracking() on m.UserId equals u.Id
                                 orderby m.Name
                                 select new Member(m.Id, m.Name, u.Email, m.Role, m.Status)).ToListAsync(ct);
            return new Response(members);
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/practice/members", async (ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new Query(), ct)))
                .WithTags("Practice").WithName("ListMembers").RequireAuthorization()
                .WithSummary("List the practice's team")
                .WithDescription(
                    "Every member of the practice, by name, with role and status: who can be a patient's doctor, and who is still " +
                    "invited.")
                .Produces<Response>().ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
