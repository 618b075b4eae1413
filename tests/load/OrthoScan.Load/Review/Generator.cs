using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace OrthoScan.Load.Review;

/// <summary>
/// Bulk-loads the review benchmark data set with binary COPY as the owner role, into the bench practice's database.
/// The bench practice (registered through the API) is one of the practices; its patients and sessions are generated like
/// everybody else's, plus <see cref="Scale.BenchReady"/> extra ready sessions so that tag submission has distinct scans.
/// Deterministic for a seed (apart from the ids of the bench practice and the timestamps, relative to now).
/// </summary>
internal static class Generator
{
    private static readonly string[] LoadedTables = ["patients", "scan_sessions", "scan_images", "tag_sets", "ai_suggestions", "message_threads", "messages"];
    private static readonly string[] Views = ["frontal", "buccal_l", "buccal_r", "occlusal_u", "occlusal_l"];
    private static readonly string[] FirstNames = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leo", "Zoe", "Hugo", "Lea", "Jonas", "Sofia", "Mateo", "Clara", "Elias"];
    private static readonly string[] LastNames = ["Martin", "Garcia", "Muller", "Smith", "Dubois", "Rossi", "Novak", "Schmidt", "Lopez", "Bernard", "Weber", "Brown", "Moreau", "Fischer", "Silva", "Jansen"];
    private static readonly string[] Timezones = ["Europe/Paris", "Europe/Berlin", "Europe/Madrid", "America/New_York", "America/Chicago", "America/Los_Angeles", "UTC"];
    private static readonly string[] Languages = ["en", "en", "en", "es", "fr", "de"];
    private static readonly string[] QualityIssues = ["blurry", "too_dark", "overexposed", "out_of_frame"];
    private static readonly string[] DetailCodes = ["attachment_lost", "aligner_unseated", "elastic_not_worn", "aligner_broken", "plaque", "gingival_inflammation", "calculus", "space_opening", "poor_photo"];
    private static readonly string[] Locations = ["11", "21", "13", "23", "31", "41", "36", "46", "upper_anterior", "lower_anterior"];

    // Status codes of the generated sessions, as stored (snake_case).
    private const byte Pending = 0, Processing = 1, Ready = 2, NeedsRetake = 3, Reviewed = 4;
    private static readonly string[] StatusNames = ["pending", "processing", "ready", "needs_retake", "reviewed"];

    private struct Session
    {
        public Guid Id;
        public int Practice;
        public int Patient;
        public byte Status;
        public long Created, Submitted, Processed, ReviewedAt; // ticks, 0 = null
        public int Reviewer;                                   // index in the practice's reviewers, -1 = none
        public short Aligner;
        public ulong Seed;
    }

    /// <param name="passwordHash">Every generated account's password hash (one hash of a known password), so that load
    /// drivers can sign the practices' members in through the API; null leaves them without a password.</param>
    public static async Task RunAsync(string ownerCs, BenchState bench, Scale scale, string? passwordHash = null)
    {
        var total = Stopwatch.StartNew();
        var now = new DateTime(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc);
        await using var source = new NpgsqlDataSourceBuilder(ownerCs) { ConnectionStringBuilder = { CommandTimeout = 0, Pooling = true } }.Build();

        // Row-level security is forced on the owner too; the bench database lets the owner (never used by the API at
        // runtime) past it, so that this loader and the bare endpoints read and write any practice. The app role the
        // API uses stays under every policy.
        var forced = await ListAsync(source, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relforcerowsecurity");
        foreach (var table in forced) await ExecAsync(source, $"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY");
        Console.WriteLine($"owner role exempted from RLS on {forced.Count} tables of this bench database (NO FORCE ROW LEVEL SECURITY)");

        // Secondary indexes and foreign keys of the big tables are dropped for the load and rebuilt afterwards,
        // exactly as the migrations defined them (their definitions are read back from the catalog).
        var foreignKeys = await ListAsync(source,
            "SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) || '|' || format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) " +
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(@t::text[]::regclass[])", LoadedTables);
        var indexes = await ListAsync(source,
            "SELECT pg_get_indexdef(i.indexrelid) || '|' || format('DROP INDEX %s', i.indexrelid::regclass) FROM pg_index i " +
            "WHERE i.indrelid = ANY(@t::text[]::regclass[]) AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", LoadedTables);
        foreach (var fk in foreignKeys) await ExecAsync(source, fk.Split('|')[1]);
        foreach (var index in indexes) await ExecAsync(source, index.Split('|')[1]);
        Console.WriteLine($"dropped {foreignKeys.Count} foreign keys and {indexes.Count} secondary indexes of {string.Join(", ", LoadedTables)} for the load");

        var rng = new Random(scale.Seed);
        var phase = Stopwatch.StartNew();

        // Practices: the bench practice plus copies of its row (same settings JSON, tier, status).
        var practices = new Guid[scale.Practices];
        practices[0] = bench.PracticeId;
        for (var p = 1; p < practices.Length; p++) practices[p] = GuidAt(now.AddDays(-400).AddMinutes(p), rng);
        await using (var c = await source.OpenConnectionAsync())
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO practices (id, name, address, subscription_tier, tagging_rate, discount_percent, status, created_at, settings) " +
            "SELECT u.id, 'Bench Practice ' || u.n, b.address, b.subscription_tier, b.tagging_rate, b.discount_percent, b.status, b.created_at - interval '400 days', b.settings " +
            "FROM unnest(@ids) WITH ORDINALITY AS u(id, n), practices b WHERE b.id = @bench", c))
        {
            cmd.Parameters.AddWithValue("ids", practices[1..]);
            cmd.Parameters.AddWithValue("bench", bench.PracticeId);
            await cmd.ExecuteNonQueryAsync();
        }

        // Members: an owner (the bench practice's came from the API), three doctors and one staff per practice.
        // Reviewers (who tag) are the owner and the doctors.
        var reviewers = new Guid[scale.Practices][];
        await using (var c = await source.OpenConnectionAsync())
        {
            var accounts = new List<(Guid Id, string Email)>();
            var members = new List<(Guid Id, int Practice, Guid User, string Name, string Role)>();
            for (var p = 0; p < scale.Practices; p++)
            {
                reviewers[p] = new Guid[4];
                for (var m = 0; m < 5; m++)
                {
                    if (p == 0 && m == 0)
                    {
                        reviewers[0][0] = bench.OwnerMemberId;
                        continue;
                    }
                    var user = GuidAt(now.AddDays(-400), rng);
                    var role = m == 0 ? "owner" : m == 4 ? "staff" : "doctor";
                    accounts.Add((user, $"{role}{m}.p{p}.{user.ToString("N")[..8]}@bench.orthoscan.local"));
                    var member = GuidAt(now.AddDays(-400), rng);
                    members.Add((member, p, user, $"Dr. {LastNames[(p + m) % LastNames.Length]} {m}", role));
                    if (m < 4) reviewers[p][m] = member;
                }
            }
            await using (var copy = await c.BeginBinaryImportAsync("COPY user_accounts (id, email, password_hash, mfa_enabled, last_totp_step, created_at) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, email) in accounts)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(email, NpgsqlDbType.Varchar);
                    await WriteText(copy, passwordHash);
                    await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                    await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(now.AddDays(-400), NpgsqlDbType.TimestampTz);
                }
                await copy.CompleteAsync();
            }
            await using (var copy = await c.BeginBinaryImportAsync("COPY practice_members (id, practice_id, user_id, name, role, credentials, status, created_at) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (id, practice, user, name, role) in members)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(practices[practice], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(user, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(name, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(role, NpgsqlDbType.Varchar);
                    if (role == "staff") await copy.WriteNullAsync(); else await copy.WriteAsync("DDS", NpgsqlDbType.Varchar);
                    await copy.WriteAsync("active", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(now.AddDays(-400), NpgsqlDbType.TimestampTz);
                }
                await copy.CompleteAsync();
            }
        }

        // Patients, spread evenly over the practices.
        var patientIds = new Guid[scale.Patients];
        var patientPractice = new int[scale.Patients];
        var firstPatient = new int[scale.Practices + 1];
        for (var p = 0; p < scale.Practices; p++) firstPatient[p + 1] = firstPatient[p] + scale.Patients / scale.Practices + (p < scale.Patients % scale.Practices ? 1 : 0);
        await using (var c = await source.OpenConnectionAsync())
        await using (var copy = await c.BeginBinaryImportAsync(
            "COPY patients (id, practice_id, doctor_id, first_name, last_name, date_of_birth, treatment_type, aligner_brand, current_stage, total_stages, " +
            "scan_frequency, status, email, timezone, preferred_language, research_consent, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            for (var p = 0; p < scale.Practices; p++)
            {
                for (var i = firstPatient[p]; i < firstPatient[p + 1]; i++)
                {
                    var created = now.AddDays(-rng.Next(30, 400));
                    patientIds[i] = GuidAt(created, rng);
                    patientPractice[i] = p;
                    var stages = rng.Next(14, 41);
                    await copy.StartRowAsync();
                    await copy.WriteAsync(patientIds[i], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(practices[p], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(reviewers[p][1 + rng.Next(3)], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(FirstNames[rng.Next(FirstNames.Length)], NpgsqlDbType.Varchar);
                    await copy.WriteAsync(LastNames[rng.Next(LastNames.Length)], NpgsqlDbType.Varchar);
                    await copy.WriteAsync(new DateOnly(1960 + rng.Next(50), 1 + rng.Next(12), 1 + rng.Next(28)), NpgsqlDbType.Date);
                    await copy.WriteAsync("clear_aligners", NpgsqlDbType.Varchar);
                    await copy.WriteAsync("Invisalign", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(rng.Next(1, stages), NpgsqlDbType.Integer);
                    await copy.WriteAsync(stages, NpgsqlDbType.Integer);
                    await copy.WriteAsync(rng.Next(10) < 7 ? "weekly" : "biweekly", NpgsqlDbType.Varchar);
                    await copy.WriteAsync("active", NpgsqlDbType.Varchar);
                    await copy.WriteAsync($"patient{i}@bench.orthoscan.local", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(Timezones[rng.Next(Timezones.Length)], NpgsqlDbType.Varchar);
                    await copy.WriteAsync(Languages[rng.Next(Languages.Length)], NpgsqlDbType.Varchar);
                    await copy.WriteAsync(rng.Next(2) == 0, NpgsqlDbType.Boolean);
                    await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                }
            }
            await copy.CompleteAsync();
        }
        Console.WriteLine($"practices {scale.Practices}, members {scale.Practices * 5}, patients {scale.Patients}: {phase.Elapsed.TotalSeconds:0.0} s");

        // Sessions: the bench practice gets the average share plus BenchReady ready ones; the rest is shared by the others.
        phase.Restart();
        var average = scale.Sessions / scale.Practices;
        var benchSessions = Math.Min(scale.Sessions, average + scale.BenchReady);
        var others = scale.Sessions - benchSessions;
        var sessions = new Session[scale.Sessions];
        var n = 0;
        for (var p = 0; p < scale.Practices; p++)
        {
            var count = p == 0 ? benchSessions : others / (scale.Practices - 1) + (p - 1 < others % (scale.Practices - 1) ? 1 : 0);
            for (var k = 0; k < count; k++)
            {
                var patient = firstPatient[p] + rng.Next(firstPatient[p + 1] - firstPatient[p]);
                sessions[n++] = NewSession(rng, now, p, patient, forceReady: p == 0 && k < scale.BenchReady);
            }
        }
        // In time order, as they would have arrived: the primary keys (UUIDv7) are then appended, not scattered.
        Array.Sort(sessions, (a, b) => a.Created.CompareTo(b.Created));
        for (var i = 0; i < sessions.Length; i++) sessions[i].Id = GuidAt(new DateTime(sessions[i].Created, DateTimeKind.Utc), rng);
        Console.WriteLine($"generated {sessions.Length} sessions in memory: {phase.Elapsed.TotalSeconds:0.0} s; " +
                          string.Join(", ", Enumerable.Range(0, StatusNames.Length).Select(s => $"{StatusNames[s]} {sessions.Count(x => x.Status == s)}")));

        phase.Restart();
        var counts = await Task.WhenAll(
            Task.Run(async () => await CopySessionsAsync(source, sessions, practices, patientIds, reviewers) + await CopyTagSetsAsync(source, sessions, practices, reviewers, now)
                                 + await CopyAiSuggestionsAsync(source, sessions, practices)),
            Task.Run(async () => await CopyImagesAsync(source, sessions, practices, patientIds)
                                 + await CopyMessagesAsync(source, rng.Next(), now, practices, patientIds, patientPractice, reviewers)));
        Console.WriteLine($"COPY scan_sessions + tag_sets + ai_suggestions ({counts[0]} rows) and scan_images + message_threads + messages ({counts[1]} rows), two connections: {phase.Elapsed.TotalSeconds:0.0} s");

        phase.Restart();
        foreach (var index in indexes) await ExecAsync(source, "SET maintenance_work_mem = '256MB'; " + index.Split('|')[0]);
        Console.WriteLine($"rebuilt {indexes.Count} indexes: {phase.Elapsed.TotalSeconds:0.0} s");
        phase.Restart();
        foreach (var fk in foreignKeys) await ExecAsync(source, "SET maintenance_work_mem = '256MB'; " + fk.Split('|')[0]);
        Console.WriteLine($"re-added and validated {foreignKeys.Count} foreign keys: {phase.Elapsed.TotalSeconds:0.0} s");
        phase.Restart();
        await ExecAsync(source, "VACUUM (ANALYZE) practices, user_accounts, practice_members, patients, scan_sessions, scan_images, tag_sets, ai_suggestions, message_threads, messages");
        Console.WriteLine($"VACUUM (ANALYZE): {phase.Elapsed.TotalSeconds:0.0} s");

        var sizes = await ListAsync(source,
            "SELECT relname || ' ' || n_live_tup || ' rows, ' || pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables " +
            "WHERE relname = ANY(ARRAY['practices','practice_members','patients','scan_sessions','scan_images','tag_sets','ai_suggestions','message_threads','messages']) ORDER BY relname");
        foreach (var size in sizes) Console.WriteLine("  " + size);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LOAD TIME {total.Elapsed.TotalSeconds:0.0} s (registration excluded)"));
    }

    private static Session NewSession(Random rng, DateTime now, int practice, int patient, bool forceReady)
    {
        var roll = rng.Next(1000);
        var status = forceReady ? Ready : roll < 895 ? Reviewed : roll < 925 ? Ready : roll < 975 ? NeedsRetake : roll < 995 ? Pending : Processing;
        var s = new Session { Practice = practice, Patient = patient, Status = status, Reviewer = -1, Aligner = (short)rng.Next(1, 41), Seed = (ulong)rng.NextInt64() };
        DateTime submitted;
        switch (status)
        {
            case Pending:
                s.Created = now.AddMinutes(-rng.Next(1, 365 * 24 * 60)).Ticks;
                return s;
            case Processing:
                submitted = now.AddSeconds(-rng.Next(1, 600));
                break;
            case Ready:
                submitted = now.AddSeconds(-rng.Next(60, 3 * 24 * 3600));
                break;
            case NeedsRetake:
                submitted = now.AddMinutes(-rng.Next(5, 365 * 24 * 60));
                break;
            default:
                submitted = now.AddMinutes(-rng.Next(3 * 60, 365 * 24 * 60));
                // Submission to review: log-normal, median about 5 hours, never in the future.
                var minutes = Math.Exp(Math.Log(300) + (1.0 * Normal(rng)));
                s.ReviewedAt = Min(submitted.AddSeconds(5).AddMinutes(minutes), now.AddMinutes(-1)).Ticks;
                s.Reviewer = rng.Next(4);
                break;
        }
        s.Submitted = submitted.Ticks;
        s.Created = submitted.AddSeconds(-rng.Next(60, 900)).Ticks;
        if (status != Processing) s.Processed = submitted.AddMilliseconds(rng.Next(900, 3000)).Ticks;
        return s;
    }

    private static async Task<long> CopySessionsAsync(NpgsqlDataSource source, Session[] sessions, Guid[] practices, Guid[] patients, Guid[][] reviewers)
    {
        await using var c = await source.OpenConnectionAsync();
        await using var copy = await c.BeginBinaryImportAsync(
            "COPY scan_sessions (id, practice_id, patient_id, submitted_at, status, image_count, reviewed_by, reviewed_at, created_at, aligner_number, " +
            "idempotency_key, processed_at, request_hash, patient_feedback) FROM STDIN (FORMAT BINARY)");
        var hash = new byte[32];
        foreach (var s in sessions)
        {
            var r = new SplitMix(s.Seed);
            await copy.StartRowAsync();
            await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid);
            await copy.WriteAsync(practices[s.Practice], NpgsqlDbType.Uuid);
            await copy.WriteAsync(patients[s.Patient], NpgsqlDbType.Uuid);
            await WriteTime(copy, s.Submitted);
            await copy.WriteAsync(StatusNames[s.Status], NpgsqlDbType.Varchar);
            await copy.WriteAsync(s.Status == Pending ? r.Next(5) : 5, NpgsqlDbType.Integer);
            if (s.Reviewer >= 0) await copy.WriteAsync(reviewers[s.Practice][s.Reviewer], NpgsqlDbType.Uuid); else await copy.WriteNullAsync();
            await WriteTime(copy, s.ReviewedAt);
            await WriteTime(copy, s.Created);
            await copy.WriteAsync((int)s.Aligner, NpgsqlDbType.Integer);
            await copy.WriteAsync(s.Id.ToString("N"), NpgsqlDbType.Varchar);
            await WriteTime(copy, s.Processed);
            r.Fill(hash);
            await copy.WriteAsync(hash, NpgsqlDbType.Bytea);
            if (s.Status == Reviewed) await copy.WriteAsync($"Great tracking, move to aligner {s.Aligner + 1}.", NpgsqlDbType.Text); else await copy.WriteNullAsync();
        }
        return (long)await copy.CompleteAsync();
    }

    private static async Task<long> CopyImagesAsync(NpgsqlDataSource source, Session[] sessions, Guid[] practices, Guid[] patients)
    {
        await using var c = await source.OpenConnectionAsync();
        await using var copy = await c.BeginBinaryImportAsync(
            "COPY scan_images (id, practice_id, session_id, image_type, thumbnail_key, quality_score, created_at, captured_at, device_make, device_model, " +
            "display_key, full_key, height, perceptual_hash, processed_at, quality_issues, retake_reasons, status, upload_content_type, upload_key, upload_length, width) " +
            "FROM STDIN (FORMAT BINARY)");
        string[] none = [];
        string[] blurry = ["blurry"];
        foreach (var s in sessions)
        {
            // Every uploaded photo has a row: all five once submitted, the ones sent so far (image_count) while pending.
            var count = s.Status == Pending ? new SplitMix(s.Seed).Next(5) : Views.Length;
            var processed = s.Status is Ready or Reviewed or NeedsRetake;
            var r = new SplitMix(s.Seed ^ 0x5DEECE66DUL);
            var created = new DateTime(s.Created, DateTimeKind.Utc);
            var retakeView = s.Status == NeedsRetake ? r.Next(Views.Length) : -1;
            for (var v = 0; v < count; v++)
            {
                var id = GuidAt(created.AddMilliseconds(v), r);
                var prefix = $"practices/{practices[s.Practice]}/patients/{patients[s.Patient]}/sessions/{s.Id}/{id}";
                var flagged = r.Next(100) < 8 || v == retakeView;
                var score = v == retakeView ? 10 + r.Next(25) : flagged ? 40 + r.Next(30) : 70 + r.Next(30);
                var phash = (long)r.NextULong();
                var issue = flagged ? new[] { v == retakeView ? "blurry" : QualityIssues[r.Next(QualityIssues.Length)] } : none;
                await copy.StartRowAsync();
                await copy.WriteAsync(id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(practices[s.Practice], NpgsqlDbType.Uuid);
                await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(Views[v], NpgsqlDbType.Varchar);
                await WriteText(copy, processed ? prefix + "/thumbnail.jpg" : null);
                if (processed) await copy.WriteAsync(score, NpgsqlDbType.Integer); else await copy.WriteNullAsync();
                await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(created.AddMinutes(-1), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("Apple", NpgsqlDbType.Varchar);
                await copy.WriteAsync("iPhone 15", NpgsqlDbType.Varchar);
                await WriteText(copy, processed ? prefix + "/display.jpg" : null);
                await WriteText(copy, processed ? prefix + "/full.jpg" : null);
                if (processed) await copy.WriteAsync(2250, NpgsqlDbType.Integer); else await copy.WriteNullAsync();
                if (processed) await copy.WriteAsync(phash, NpgsqlDbType.Bigint); else await copy.WriteNullAsync();
                await WriteTime(copy, processed ? s.Processed : 0);
                await copy.WriteAsync(processed ? issue : none, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync(v == retakeView ? blurry : none, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await copy.WriteAsync(processed ? "processed" : "uploaded", NpgsqlDbType.Varchar);
                await copy.WriteAsync("image/jpeg", NpgsqlDbType.Varchar);
                await copy.WriteAsync($"practices/{practices[s.Practice]}/patients/{patients[s.Patient]}/sessions/{s.Id}/uploads/{Views[v]}", NpgsqlDbType.Varchar);
                await copy.WriteAsync(3_000_000L + r.Next(1_500_000), NpgsqlDbType.Bigint);
                if (processed) await copy.WriteAsync(3000, NpgsqlDbType.Integer); else await copy.WriteNullAsync();
            }
        }
        return (long)await copy.CompleteAsync();
    }

    /// <summary>
    /// Messaging: about 60 % of the patients have their one thread, with 1 to 12 messages alternating between the
    /// patient and a doctor of the practice over the last months; all read but a patient's newest, now and then.
    /// </summary>
    private static async Task<long> CopyMessagesAsync(NpgsqlDataSource source, int seed, DateTime now, Guid[] practices, Guid[] patients, int[] patientPractice, Guid[][] reviewers)
    {
        var rng = new Random(seed);
        var threads = new List<(Guid Id, int Patient, DateTime Created, DateTime Last, int Count)>();
        for (var i = 0; i < patients.Length; i++)
        {
            if (rng.Next(10) >= 6) continue;
            var created = now.AddMinutes(-rng.Next(60, 300 * 24 * 60));
            var count = 1 + rng.Next(12);
            threads.Add((GuidAt(created, rng), i, created, created.AddHours(count * 7), count));
        }
        await using var c = await source.OpenConnectionAsync();
        await using (var copy = await c.BeginBinaryImportAsync("COPY message_threads (id, practice_id, patient_id, subject, created_at, last_message_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var t in threads)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(t.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(practices[patientPractice[t.Patient]], NpgsqlDbType.Uuid);
                await copy.WriteAsync(patients[t.Patient], NpgsqlDbType.Uuid);
                await copy.WriteNullAsync();
                await copy.WriteAsync(t.Created, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(Min(t.Last, now), NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync();
        }
        long rows = threads.Count;
        string[] noAttachments = [];
        await using (var copy = await c.BeginBinaryImportAsync(
                         "COPY messages (id, practice_id, thread_id, sender_type, sender_id, content, attachments, read_at, created_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var t in threads)
            {
                var practice = patientPractice[t.Patient];
                for (var m = 0; m < t.Count; m++)
                {
                    var at = Min(t.Created.AddHours(m * 7).AddMinutes(rng.Next(300)), now.AddMinutes(-1));
                    var fromPatient = m % 2 == 0;
                    await copy.StartRowAsync();
                    await copy.WriteAsync(GuidAt(at, rng), NpgsqlDbType.Uuid);
                    await copy.WriteAsync(practices[practice], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(t.Id, NpgsqlDbType.Uuid);
                    await copy.WriteAsync(fromPatient ? "patient" : "doctor", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(fromPatient ? patients[t.Patient] : reviewers[practice][1 + rng.Next(3)], NpgsqlDbType.Uuid);
                    await copy.WriteAsync(fromPatient ? "My aligner feels loose on the upper left, is that normal?" : "Thanks for the photos: keep wearing it 22 hours a day and send a scan on Friday.", NpgsqlDbType.Varchar);
                    await copy.WriteAsync(noAttachments, NpgsqlDbType.Array | NpgsqlDbType.Text);
                    if (m == t.Count - 1 && rng.Next(4) == 0) await copy.WriteNullAsync(); else await copy.WriteAsync(at.AddMinutes(30), NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                    rows++;
                }
            }
            await copy.CompleteAsync();
        }
        return rows;
    }

    /// <summary>One tag set per reviewed session by its reviewer; about 5 % get a second doctor's tag set too.</summary>
    private static async Task<long> CopyTagSetsAsync(NpgsqlDataSource source, Session[] sessions, Guid[] practices, Guid[][] reviewers, DateTime now)
    {
        await using var c = await source.OpenConnectionAsync();
        await using var copy = await c.BeginBinaryImportAsync(
            "COPY tag_sets (id, practice_id, session_id, tagged_by, tagged_at, overall_tracking, aligner_fit, oral_hygiene, action_taken, notes, " +
            "ai_suggested, ai_overridden, detail_tags, hold_days, review_opened_at, taxonomy_version, ai_outcomes) FROM STDIN (FORMAT BINARY)");
        foreach (var s in sessions)
        {
            if (s.Status != Reviewed) continue;
            var r = new SplitMix(s.Seed ^ 0x9E3779B97F4A7C15UL);
            var tagged = new DateTime(s.ReviewedAt, DateTimeKind.Utc);
            var first = Scores(r);
            await WriteTagSet(copy, r, s, practices, reviewers[s.Practice][s.Reviewer], tagged, first);
            if (r.Next(100) < 5)
            {
                var second = r.Next(100) < 80 ? first : Scores(r);
                var later = Min(tagged.AddMinutes(60 + r.Next(3 * 24 * 60)), now.AddMinutes(-1));
                await WriteTagSet(copy, r, s, practices, reviewers[s.Practice][(s.Reviewer + 1 + r.Next(3)) % 4], later, second);
            }
        }
        return (long)await copy.CompleteAsync();
    }

    private static (short Tracking, short? Fit, short Hygiene) Scores(SplitMix r)
    {
        static short Pick(int roll, int one, int two) => (short)(roll < one ? 1 : roll < one + two ? 2 : 3);
        var fitRoll = r.Next(100);
        return (Pick(r.Next(100), 65, 25), fitRoll < 5 ? null : Pick(fitRoll - 5, 70, 20), Pick(r.Next(100), 60, 30));
    }

    private static async Task WriteTagSet(NpgsqlBinaryImporter copy, SplitMix r, Session s, Guid[] practices, Guid reviewer, DateTime tagged,
        (short Tracking, short? Fit, short Hygiene) scores)
    {
        var actionRoll = r.Next(100);
        var action = actionRoll < 80 ? "approve_progression" : actionRoll < 90 ? "hold_aligner" : actionRoll < 97 ? "message" : "schedule_appointment";
        var suggested = r.Next(100) < 70;
        // The AI's proposal per score: agrees with the doctor about 88 % of the time.
        var outcomes = new List<string>();
        var overridden = false;
        if (suggested)
        {
            foreach (var (attribute, chosen) in new[] { ("overall_tracking", Value(scores.Tracking)), ("aligner_fit", Value(scores.Fit)), ("oral_hygiene", Value(scores.Hygiene)) })
            {
                var proposal = r.Next(100) < 88 ? chosen : (1 + r.Next(3)).ToString(CultureInfo.InvariantCulture);
                overridden |= proposal != chosen;
                outcomes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"attribute\":\"{attribute}\",\"suggested\":\"{proposal}\",\"chosen\":\"{chosen}\",\"confidence\":{0.5 + (r.Next(50) / 100.0):0.00},\"model\":\"bench-model@2026.11\",\"overridden\":{(proposal != chosen ? "true" : "false")}}}"));
            }
        }
        string? detail = null;
        if (r.Next(100) < 30)
        {
            var tags = Enumerable.Range(0, 1 + r.Next(2))
                .Select(_ => $"{{\"Code\":\"{DetailCodes[r.Next(DetailCodes.Length)]}\",\"Location\":\"{Locations[r.Next(Locations.Length)]}\"}}");
            detail = "[" + string.Join(",", tags) + "]";
        }
        await copy.StartRowAsync();
        await copy.WriteAsync(GuidAt(tagged, r), NpgsqlDbType.Uuid);
        await copy.WriteAsync(practices[s.Practice], NpgsqlDbType.Uuid);
        await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid);
        await copy.WriteAsync(reviewer, NpgsqlDbType.Uuid);
        await copy.WriteAsync(tagged, NpgsqlDbType.TimestampTz);
        await copy.WriteAsync(scores.Tracking, NpgsqlDbType.Smallint);
        if (scores.Fit is { } fit) await copy.WriteAsync(fit, NpgsqlDbType.Smallint); else await copy.WriteNullAsync();
        await copy.WriteAsync(scores.Hygiene, NpgsqlDbType.Smallint);
        await copy.WriteAsync(action, NpgsqlDbType.Varchar);
        if (r.Next(100) < 10) await copy.WriteAsync("Check attachments at next visit.", NpgsqlDbType.Varchar); else await copy.WriteNullAsync();
        await copy.WriteAsync(suggested, NpgsqlDbType.Boolean);
        await copy.WriteAsync(overridden, NpgsqlDbType.Boolean);
        await copy.WriteAsync(detail ?? "[]", NpgsqlDbType.Jsonb);
        if (action == "hold_aligner") await copy.WriteAsync(2 + r.Next(6), NpgsqlDbType.Integer); else await copy.WriteNullAsync();
        // Review duration: log-normal, median about 20 s.
        await copy.WriteAsync(tagged.AddSeconds(-Math.Exp(Math.Log(20) + (0.6 * r.Normal()))), NpgsqlDbType.TimestampTz);
        await copy.WriteAsync("2026.1", NpgsqlDbType.Varchar);
        await copy.WriteAsync("[" + string.Join(",", outcomes) + "]", NpgsqlDbType.Jsonb);
    }

    private static string Value(short? score) => score?.ToString(CultureInfo.InvariantCulture) ?? "not_applicable";

    /// <summary>
    /// A model run (three score suggestions) for every ready session, which the review screen and tagging read.
    /// Reviewed sessions keep theirs in tag_sets.ai_outcomes; their suggestion rows are not loaded (about 3 million
    /// rows that no benchmarked path reads but by session id).
    /// </summary>
    private static async Task<long> CopyAiSuggestionsAsync(NpgsqlDataSource source, Session[] sessions, Guid[] practices)
    {
        await using var c = await source.OpenConnectionAsync();
        await using var copy = await c.BeginBinaryImportAsync(
            "COPY ai_suggestions (id, practice_id, session_id, model_name, model_version, attribute, value, confidence, created_at) FROM STDIN (FORMAT BINARY)");
        foreach (var s in sessions)
        {
            if (s.Status != Ready) continue;
            var r = new SplitMix(s.Seed ^ 0xA1A1A1A1UL);
            var at = new DateTime(s.Processed, DateTimeKind.Utc);
            foreach (var attribute in new[] { "overall_tracking", "aligner_fit", "oral_hygiene" })
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(GuidAt(at, r), NpgsqlDbType.Uuid);
                await copy.WriteAsync(practices[s.Practice], NpgsqlDbType.Uuid);
                await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync("bench-model", NpgsqlDbType.Varchar);
                await copy.WriteAsync("2026.11", NpgsqlDbType.Varchar);
                await copy.WriteAsync(attribute, NpgsqlDbType.Varchar);
                await copy.WriteAsync((1 + r.Next(3)).ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Varchar);
                await copy.WriteAsync((float)(0.5 + (r.Next(50) / 100.0)), NpgsqlDbType.Real);
                await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
            }
        }
        return (long)await copy.CompleteAsync();
    }

    private static Task WriteText(NpgsqlBinaryImporter copy, string? text) =>
        text is null ? copy.WriteNullAsync() : copy.WriteAsync(text, NpgsqlDbType.Varchar);

    private static Task WriteTime(NpgsqlBinaryImporter copy, long ticks) =>
        ticks == 0 ? copy.WriteNullAsync() : copy.WriteAsync(new DateTime(ticks, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>A UUIDv7 for a given instant, with random bits from a deterministic generator.</summary>
    private static Guid GuidAt(DateTime at, Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        return Stamp(at, bytes);
    }

    private static Guid GuidAt(DateTime at, SplitMix r)
    {
        Span<byte> bytes = stackalloc byte[16];
        r.Fill(bytes);
        return Stamp(at, bytes);
    }

    private static Guid Stamp(DateTime at, Span<byte> bytes)
    {
        var ms = (ulong)new DateTimeOffset(at).ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++) bytes[i] = (byte)(ms >> (8 * (5 - i)));
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static async Task<List<string>> ListAsync(NpgsqlDataSource source, string sql, string[]? tables = null)
    {
        await using var cmd = source.CreateCommand(sql);
        if (tables is not null) cmd.Parameters.AddWithValue("t", tables);
        await using var reader = await cmd.ExecuteReaderAsync();
        var list = new List<string>();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }

    private static async Task ExecAsync(NpgsqlDataSource source, string sql)
    {
        await using var cmd = source.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>Small deterministic generator for per-row values: one per session, seeded from the session, cheaper than a Random.</summary>
internal sealed class SplitMix(ulong seed)
{
    private ulong _state = seed;

    public ulong NextULong()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int max) => (int)(NextULong() % (ulong)max);

    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Normal() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    public void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i += 8)
        {
            var v = NextULong();
            for (var j = 0; j < 8 && i + j < bytes.Length; j++) bytes[i + j] = (byte)(v >> (8 * j));
        }
    }
}
