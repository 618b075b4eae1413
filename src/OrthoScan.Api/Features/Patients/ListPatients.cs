namespace OrthoScan.Api.Features.Patients;

/// <summary>Patients by last name, first name; search matches any part of the name. Archived and erased ones only when asked.</summary>
public static class ListPatients
{
    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(string? Search, PatientStatus? Status, string? Cursor, int? Limit) : IQuery<Page<PatientResponse>>, IAudited<Page<PatientResponse>>
    {
        public AuditRecord Audit(Page<PatientResponse> response) => new("patient", null);
    }

    public sealed record Cursor(string LastName, string FirstName, Guid Id);

    public sealed class Validator : AbstractValidator<Query>
    {
        public Validator() => RuleFor(q => q.Search).MaximumLength(100);
    }

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, Page<PatientResponse>>
    {
        public async ValueTask<Page<PatientResponse>> Handle(Query query, CancellationToken ct)
        {
            var limit = Paging.Limit(query.Limit);
            var today = clock.UtcToday();
            var patients = db.Patients.AsNoTracking();
            patients = query.Status is { } status
                ? patients.Where(p => p.Status == status)
                : patients.Where(p => p.Status != PatientStatus.Archived && p.Status != PatientStatus.Erased);
            if (!string.IsNullOrWhiteSpace(query.Search))
            {
                var pattern = "%" + LikePatterns.Literal(query.Search.Trim()) + "%";
                patients = patients.Where(p => EF.Functions.ILike(p.FirstName + " " + p.LastName, pattern, "\\")
                                               || EF.Functions.ILike(p.LastName + " " + p.FirstName, pattern, "\\"));
            }
            if (Paging.Decode<Cursor>(query.Cursor) is { } after)
            {
                patients = patients.Where(p => string.Compare(p.LastName, after.LastName) > 0
                    || (p.LastName == after.LastName && string.Compare(p.FirstName, after.FirstName) > 0)
                    || (p.LastName == after.LastName && p.FirstName == after.FirstName && p.Id.CompareTo(after.Id) > 0));
            }
            var rows = await patients.OrderBy(p => p.LastName).ThenBy(p => p.FirstName).ThenBy(p => p.Id).Take(limit + 1).ToListAsync(ct);
            return Paging.ToPage(rows, limit, p => PatientResponse.From(p, today), p => new Cursor(p.LastName, p.FirstName, p.Id));
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/patients", async (string? search, string? status, string? cursor, int? limit, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(search, QueryEnum.Parse<PatientStatus>(status, "status"), cursor, limit), ct)))
                .WithTags("Patients").WithName("ListPatients").RequireAuthorization()
                .WithSummary("List patients")
                .WithDescription(
                    "The practice's patients by last name, then first name. `search` matches any part of the name; archived " +
                    "patients are left out unless `status=archived` asks for them. Paged: pass the previous page's `nextCursor` as " +
                    "`cursor`.")
                .Produces<Page<PatientResponse>>().ProducesValidationProblem();
    }
}
