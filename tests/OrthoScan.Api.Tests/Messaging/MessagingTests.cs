using System.Net;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.DataRights;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Scans;
using Shouldly;

namespace OrthoScan.Api.Tests.Messaging;

/// <summary>One thread per patient with the practice: sending, reading, unread counts and who may see what.</summary>
[Collection(ApiCollection.Name)]
public sealed class MessagingTests(ApiFactory api)
{
    [Fact]
    public async Task A_doctor_writes_the_patient_reads_and_replies_and_each_side_counts_only_what_it_has_not_read()
    {
        var owner = await api.RegisterPracticeAsync("Messaging Clinic");
        var doctor = await api.AddMemberAsync(owner, "doctor");
        var staff = await api.AddMemberAsync(owner, "staff");
        var patient = await api.PatientAppAsync(owner, "Writer");

        var first = await api.WriteAsync(doctor.AccessToken, patient.PatientId, "  Your aligners fit well. Keep going!  ");
        first.SenderType.ShouldBe(SenderType.Doctor);
        first.SenderName.ShouldBe("Member doctor");
        first.Content.ShouldBe("Your aligners fit well. Keep going!");
        first.ReadAt.ShouldBeNull();
        await api.WriteAsync(staff.AccessToken, patient.PatientId, "Your next appointment is on Monday.");

        var mine = (await api.ThreadsAsync(patient.AccessToken)).ShouldHaveSingleItem();
        mine.Id.ShouldBe(first.ThreadId);
        mine.Unread.ShouldBe(2);
        mine.LastMessage.ShouldBe("Your next appointment is on Monday.");
        mine.LastSenderType.ShouldBe(SenderType.Staff);
        var messages = (await api.ThreadAsync(patient.AccessToken, mine.Id)).Items;
        messages.Select(m => m.SenderType).ShouldBe([SenderType.Staff, SenderType.Doctor], "newest first");

        var read = await (await api.As(patient.AccessToken).PatchAsync($"/api/v1/messages/{first.Id}/read", null)).ShouldBeAsync<MessageDto>(HttpStatusCode.OK);
        read.ReadAt.ShouldNotBeNull();
        var again = await (await api.As(patient.AccessToken).PatchAsync($"/api/v1/messages/{first.Id}/read", null)).ShouldBeAsync<MessageDto>(HttpStatusCode.OK);
        again.ReadAt.ShouldBe(read.ReadAt, "the first read time stays");
        (await api.ThreadsAsync(patient.AccessToken)).ShouldHaveSingleItem().Unread.ShouldBe(1);

        var reply = await api.WriteAsync(patient.AccessToken, null, "Thank you! The left side feels tight.");
        reply.ThreadId.ShouldBe(first.ThreadId, "one thread per patient");
        reply.SenderType.ShouldBe(SenderType.Patient);
        reply.SenderName.ShouldBe("Pat Writer");
        var practiceView = (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem();
        practiceView.PatientName.ShouldBe("Pat Writer");
        practiceView.Unread.ShouldBe(1, "the practice counts the patient's messages only");
        practiceView.LastSenderType.ShouldBe(SenderType.Patient);

        await (await api.As(doctor).PatchAsync($"/api/v1/messages/{first.Id}/read", null)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "not-the-recipient");
        await (await api.As(patient.AccessToken).PatchAsync($"/api/v1/messages/{reply.Id}/read", null)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "not-the-recipient");
        await (await api.As(staff).PatchAsync($"/api/v1/messages/{reply.Id}/read", null)).ShouldBeAsync<MessageDto>(HttpStatusCode.OK);
        (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().Unread.ShouldBe(0);
    }

    [Fact]
    public async Task The_thread_list_shows_the_start_of_a_long_message_cut_at_140_characters()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Preview");
        var exact = new string('a', 140);
        await api.WriteAsync(owner.AccessToken, patient.PatientId, exact);
        (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().LastMessage.ShouldBe(exact, "140 characters fit whole");

        await api.WriteAsync(owner.AccessToken, patient.PatientId, string.Concat(Enumerable.Repeat("Wear them 22 hours a day. ", 100)));
        var preview = (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().LastMessage!;
        preview.Length.ShouldBe(140);
        preview.ShouldStartWith("Wear them 22 hours a day. Wear them");
        preview.ShouldEndWith("…");
    }

    [Fact]
    public async Task A_thread_pages_newest_first_without_gaps_or_repeats()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Pager");
        var sent = new List<Guid>();
        for (var i = 0; i < 5; i++) sent.Add((await api.WriteAsync(owner.AccessToken, patient.PatientId, $"Message {i}")).Id);
        var threadId = (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().Id;

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await api.ThreadAsync(patient.AccessToken, threadId, "?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            page.Items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Items.Select(m => m.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        seen.ShouldBe(Enumerable.Reverse(sent).ToList());
    }

    [Fact]
    public async Task A_patient_reaches_only_their_own_thread_and_another_practice_reaches_none_and_nothing_changes()
    {
        var owner = await api.RegisterPracticeAsync("Thread Owner Clinic");
        var patientA = await api.PatientAppAsync(owner, "Alpha");
        var patientB = await api.PatientAppAsync(owner, "Bravo");
        var toB = await api.WriteAsync(owner.AccessToken, patientB.PatientId, "Only for Bravo.");
        var other = await api.RegisterPracticeAsync("Other Clinic");

        foreach (var (who, token) in new[] { ("patient A", patientA.AccessToken), ("another practice", other.AccessToken) })
        {
            (await api.As(token).GetAsync($"/api/v1/messages/threads/{toB.ThreadId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, who);
            await (await api.As(token).PatchAsync($"/api/v1/messages/{toB.Id}/read", null)).ShouldFailAsync(HttpStatusCode.NotFound);
            await (await api.SendAsync(token, new { patientId = patientB.PatientId, content = "Hello Bravo" })).ShouldFailAsync(HttpStatusCode.NotFound);
            (await api.ThreadsAsync(token)).ShouldNotContain(t => t.Id == toB.ThreadId, who);
        }

        var bravo = (await api.ThreadAsync(patientB.AccessToken, toB.ThreadId)).Items.ShouldHaveSingleItem();
        bravo.Content.ShouldBe("Only for Bravo.");
        bravo.ReadAt.ShouldBeNull("nobody else could mark it read");
        (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().PatientId.ShouldBe(patientB.PatientId);
    }

    [Fact]
    public async Task Parallel_first_messages_make_one_thread_and_parallel_retries_of_one_send_store_one_message()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Racer");
        var retryKey = Guid.NewGuid().ToString();

        var fromPractice = Enumerable.Range(0, 10).Select(i => api.SendAsync(owner.AccessToken, new { patientId = patient.PatientId, content = $"Practice {i}" }));
        var fromPatient = Enumerable.Range(0, 10).Select(i => api.SendAsync(patient.AccessToken, new { content = $"Patient {i}" }));
        var retries = Enumerable.Range(0, 10).Select(_ => api.SendAsync(patient.AccessToken, new { content = "Sent once on a bad connection" }, retryKey));
        var responses = await Task.WhenAll(fromPractice.Concat(fromPatient).Concat(retries));

        var messages = new List<MessageDto>();
        foreach (var response in responses) messages.Add(await response.ShouldBeAsync<MessageDto>(HttpStatusCode.Created));
        messages.Select(m => m.ThreadId).Distinct().ShouldHaveSingleItem();
        messages.Where(m => m.Content == "Sent once on a bad connection").Select(m => m.Id).Distinct().ShouldHaveSingleItem();
        var stored = await api.ThreadAsync(owner.AccessToken, messages[0].ThreadId, "?limit=100");
        stored.Items.Count.ShouldBe(21);
        (await api.ThreadsAsync(owner.AccessToken)).ShouldHaveSingleItem().Unread.ShouldBe(11);
    }

    [Theory]
    [InlineData("""{"content":""}""", "content")]
    [InlineData("""{"content":"   "}""", "content")]
    [InlineData("""{"content":null}""", "content")]
    [InlineData("""{"content":"a message","patientId":"not-a-guid"}""", null)]
    public async Task Malformed_messages_answer_400_and_store_nothing(string body, string? field)
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Malformed");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", patient.AccessToken);

        var problem = await (await api.CreateClient().SendAsync(request)).ShouldFailAsync(HttpStatusCode.BadRequest);

        if (field is not null) problem.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals(field, StringComparison.OrdinalIgnoreCase));
        (await api.ThreadsAsync(patient.AccessToken)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Messages_that_break_a_rule_are_refused_and_change_nothing()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Ruled");

        var tooLong = await (await api.SendAsync(patient.AccessToken, new { content = new string('x', 4001) })).ShouldFailAsync(HttpStatusCode.BadRequest);
        tooLong.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals("content", StringComparison.OrdinalIgnoreCase));
        var noPatient = await (await api.SendAsync(owner.AccessToken, new { content = "To whom?" })).ShouldFailAsync(HttpStatusCode.BadRequest);
        noPatient.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals("patientId", StringComparison.OrdinalIgnoreCase));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/messages") { Content = System.Net.Http.Json.JsonContent.Create(new { content = "No key" }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", patient.AccessToken);
        await (await api.CreateClient().SendAsync(request)).ShouldFailAsync(HttpStatusCode.BadRequest);
        await (await api.SendAsync(owner.AccessToken, new { patientId = Guid.NewGuid(), content = "Nobody" })).ShouldFailAsync(HttpStatusCode.NotFound);
        var unknownImage = await (await api.SendAsync(owner.AccessToken, new { patientId = patient.PatientId, content = "Look", attachmentImageId = Guid.NewGuid() }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
        unknownImage.Errors.ShouldNotBeNull().Keys.ShouldContain(k => k.Equals("attachmentImageId", StringComparison.OrdinalIgnoreCase));
        (await api.ThreadsAsync(patient.AccessToken)).ShouldAllBe(t => t.LastMessage == null);

        var key = Guid.NewGuid().ToString();
        await (await api.SendAsync(patient.AccessToken, new { content = "First words" }, key)).ShouldBeAsync<MessageDto>(HttpStatusCode.Created);
        await (await api.SendAsync(patient.AccessToken, new { content = "Other words" }, key)).ShouldFailAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        var thread = (await api.ThreadsAsync(patient.AccessToken)).ShouldHaveSingleItem();
        (await api.ThreadAsync(patient.AccessToken, thread.Id)).Items.ShouldHaveSingleItem().Content.ShouldBe("First words");

        (await api.EraseAsync(owner.AccessToken, patient.PatientId)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await api.SendAsync(owner.AccessToken, new { patientId = patient.PatientId, content = "Still there?" })).ShouldFailAsync(HttpStatusCode.Conflict, "patient-erased");
    }

    [Fact]
    public async Task A_message_shows_one_of_the_patients_scan_photos_and_not_another_patients()
    {
        var owner = await api.RegisterPracticeAsync();
        var patient = await api.PatientAppAsync(owner, "Photo");
        var otherPatient = await api.PatientAppAsync(owner, "Stranger");
        var scan = await api.SendScanAndWaitAsync(patient);
        var photo = scan.Images.First(i => i.ImageType == ImageType.BuccalL);

        var message = await (await api.SendAsync(owner.AccessToken, new { patientId = patient.PatientId, content = "See the gap here?", attachmentImageId = photo.Id }))
            .ShouldBeAsync<MessageDto>(HttpStatusCode.Created);
        var shown = (await api.ThreadAsync(patient.AccessToken, message.ThreadId)).Items.ShouldHaveSingleItem().Attachments.ShouldHaveSingleItem();
        shown.ImageId.ShouldBe(photo.Id);
        shown.ImageType.ShouldBe(ImageType.BuccalL);
        var image = await api.CreateClient().GetAsync(shown.Url.ShouldNotBeNull());
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        image.Content.Headers.ContentType?.MediaType.ShouldBe("image/jpeg");

        await (await api.SendAsync(owner.AccessToken, new { patientId = otherPatient.PatientId, content = "Wrong photo", attachmentImageId = photo.Id }))
            .ShouldFailAsync(HttpStatusCode.UnprocessableEntity);
    }
}
