namespace OrthoScan.Api.Features.Dashboard;

/// <summary>
/// Scan compliance of the practice's active and paused patients, in each patient's own timezone: when the next scan is
/// due (last submitted scan, or enrolment when none, plus the scan interval), how many days overdue, scans missed in
/// the last 90 days and the last three overall-tracking scores. Paused patients are shown but never overdue.
/// Not paged: at most <see cref="MaxRows"/> rows, with <c>truncated</c> set when there were more.
/// </summary>
public static class Compliance
{
    public const int MaxRows = 500;
    public const int WindowDays = 90;
    public const int TrendLength = 3;

    public enum Sort { DaysOverdue, Name }

    [RequiresRole(Role.Owner, Role.Doctor, Role.Staff)]
    public sealed record Query(bool OverdueOnly, Sort Sort) : IQuery<Response>, IAudited<Response>
    {
        public AuditRecord Audit(Response response) => new("patient", null);
    }

    public sealed record Response(IReadOnlyList<Item> Items, bool Truncated);

    public sealed record Item(
        Guid PatientId, string PatientName, ScanFrequency ScanFrequency, string Timezone, DateTime? LastScanAt, DateOnly DueOn,
        int DaysOverdue, int MissedScans90d, IReadOnlyList<int> TrackingTrend, PatientStatus Status);

    public sealed class Handler(AppDbContext db, TimeProvider clock) : IQueryHandler<Query, Response>
    {
        public async ValueTask<Response> Handle(Query query, CancellationToken ct)
        {
            var now = clock.UtcNow();
            var windowStart = now.AddDays(-WindowDays);

            var patients = db.Patients.AsNoTracking().Where(p => p.Status == PatientStatus.Active || p.Status == PatientStatus.Paused);
            var rows = await patients
                .Select(p => new { p.Id, p.FirstName, p.LastName, p.ScanFrequency, p.Timezone, p.Status, p.CreatedAt })
                .ToListAsync(ct);

            // One grouped query: the last submitted scan and the scans submitted in the window, per patient.
            var scans = (await db.ScanSessions.AsNoTracking()
                    .Where(s => s.SubmittedAt != null && patients.Any(p => p.Id == s.PatientId))
                    .GroupBy(s => s.PatientId)
                    .Select(g => new { PatientId = g.Key, Last = g.Max(s => s.SubmittedAt), InWindow = g.Count(s => s.SubmittedAt >= windowStart) })
                    .ToListAsync(ct))
                .ToDictionary(s => s.PatientId);

            // One query: the newest tag sets per patient (ROW_NUMBER over the patient's tag sets).
            var trends = (await (from p in patients
                                 from t in (from t in db.TagSets
                                            join s in db.ScanSessions on t.SessionId equals s.Id
                                            where s.PatientId == p.Id
                                            orderby t.TaggedAt descending, t.Id descending
                                            select new { t.TaggedAt, t.Id, t.OverallTracking }).Take(TrendLength)
                                 select new { PatientId = p.Id, t.TaggedAt, t.Id, t.OverallTracking })
                    .AsNoTracking().ToListAsync(ct))
                .ToLookup(t => t.PatientId);

            var zones = new Dictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
            var items = new List<Item>(rows.Count);
            foreach (var p in rows)
            {
                var zone = Zone(zones, p.Timezone);
                var interval = p.ScanFrequency.IntervalDays();
                var today = LocalDate(now, zone);
                scans.TryGetValue(p.Id, out var scan);
                var lastScanAt = scan?.Last;
                var dueOn = p.ScanFrequency.NextDueOn(lastScanAt, p.CreatedAt, zone);
                var daysOverdue = today.DayNumber - dueOn.DayNumber;
                if (p.Status == PatientStatus.Paused) daysOverdue = Math.Min(daysOverdue, 0);

                var windowFrom = p.CreatedAt > windowStart ? p.CreatedAt : windowStart;
                var daysInWindow = Math.Max(0, today.DayNumber - LocalDate(windowFrom, zone).DayNumber);
                var missed = Math.Max(0, daysInWindow / interval - (scan?.InWindow ?? 0));

                var trend = trends[p.Id].OrderByDescending(t => t.TaggedAt).ThenByDescending(t => t.Id).Select(t => (int)t.OverallTracking).ToList();
                items.Add(new Item(p.Id, $"{p.FirstName} {p.LastName}", p.ScanFrequency, p.Timezone, lastScanAt, dueOn,
                    daysOverdue, missed, trend, p.Status));
            }

            IEnumerable<Item> result = query.OverdueOnly ? items.Where(i => i.DaysOverdue > 0) : items;
            var byName = rows.ToDictionary(r => r.Id, r => (r.LastName, r.FirstName));
            result = query.Sort == Sort.Name
                ? result.OrderBy(i => byName[i.PatientId].LastName, StringComparer.OrdinalIgnoreCase)
                    .ThenBy(i => byName[i.PatientId].FirstName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.PatientId)
                : result.OrderByDescending(i => i.DaysOverdue)
                    .ThenBy(i => byName[i.PatientId].LastName, StringComparer.OrdinalIgnoreCase)
                    .ThenBy(i => byName[i.PatientId].FirstName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.PatientId);
            var list = result.Take(MaxRows + 1).ToList();
            return new Response(list.Take(MaxRows).ToList(), list.Count > MaxRows);
        }

        private static DateOnly LocalDate(DateTime utc, TimeZoneInfo zone) =>
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

        /// <summary>The patient's IANA zone; one the system does not know (never accepted on input) counts as UTC.</summary>
        private static TimeZoneInfo Zone(Dictionary<string, TimeZoneInfo> cache, string id)
        {
            if (cache.TryGetValue(id, out var zone)) return zone;
            zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
            cache[id] = zone;
            return zone;
        }
    }

    public sealed class Endpoint : ICarterModule
    {
        public void AddRoutes(IEndpointRouteBuilder app) =>
            app.MapGet($"{Routes.V1}/dashboard/compliance", async (bool? overdueOnly, string? sort, ISender sender, CancellationToken ct) =>
                    Results.Ok(await sender.Send(new Query(overdueOnly ?? false, QueryEnum.Parse<Sort>(sort, "sort") ?? Sort.DaysOverdue), ct)))
                .WithTags("Dashboard").WithName("Compliance").RequireAuthorization()
                .WithSummary("Scan compliance")
                .WithDescription(
                    "Active and paused patients with the date their next scan is due (in their own timezone), days overdue, scans " +
                    "missed in the last 90 days and their last three tracking scores. `overdueOnly=true` keeps the overdue ones; " +
                    "`sort` is `days_overdue` (default) or `name`. At most 500 rows, `truncated` when there were more.")
                .Produces<Response>().ProducesValidationProblem();
    }
}
