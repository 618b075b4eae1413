using System.Reflection;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrthoScan.Api.Features.Patients;
using OrthoScan.Api.Infrastructure.Errors;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Pipeline;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using StackExchange.Redis;

namespace OrthoScan.Api.Tests.Jobs;

/// <summary>
/// Every job is declared in its own file and found from there: registered exactly once, with a handler, run through the
/// request pipeline's behaviors in their order, and its failures read as a request's are.
/// </summary>
[Collection(JobsCollection.Name)]
public sealed class JobRegistrationTests(JobsFixture jobs)
{
    private static readonly Type[] JobCommands = [.. typeof(Program).Assembly.GetTypes().Where(t => typeof(IJobCommand).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })];

    private JobCatalog Catalog => jobs.Api.Services.GetRequiredService<JobCatalog>();

    [Fact]
    public void Every_job_in_the_assembly_is_registered_exactly_once_and_every_registered_kind_has_a_handler()
    {
        JobCommands.ShouldNotBeEmpty();
        JobCommands.Where(t => !t.IsDefined(typeof(JobKindAttribute))).Select(t => t.FullName).ShouldBeEmpty("a job command declares its kind");
        var kinds = JobCommands.Select(JobKindAttribute.Of).ToList();
        kinds.ShouldBeUnique();

        Catalog.Definitions.Select(d => (d.Kind, d.CommandType)).OrderBy(d => d.Kind)
            .ShouldBe(JobCommands.Select(t => (JobKindAttribute.Of(t), t)).OrderBy(d => d.Item1));
        using var scope = jobs.Api.Services.CreateScope();
        foreach (var definition in Catalog.Definitions)
        {
            var response = ResponseOf(definition.CommandType);
            scope.ServiceProvider.GetServices(typeof(ICommandHandler<,>).MakeGenericType(definition.CommandType, response))
                .ShouldHaveSingleItem($"{definition.Kind} has one handler");
        }
    }

    /// <summary>The host is built as Program builds it and started here (see <see cref="ApiFactory.BuildHost"/> for why not through the factory).</summary>
    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    [InlineData("all")]
    public async Task A_job_without_a_handler_stops_the_host_from_starting_in_every_role(string role)
    {
        await using var host = jobs.Api.BuildHost(role,
            services => services.AddSingleton(JobDefinition.For(typeof(UnhandledJob), typeof(Unit), UnhandledJob.Kind)));

        var failure = await Should.ThrowAsync<InvalidOperationException>(() => host.StartAsync());

        failure.Message.ShouldContain($"'{UnhandledJob.Kind}'");
        failure.Message.ShouldContain("without a handler");
    }

    [Fact]
    public void Two_jobs_of_one_kind_stop_the_catalog_from_being_built()
    {
        using var scope = jobs.Api.Services.CreateScope();
        var registered = scope.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        var twice = Catalog.Definitions.Append(JobDefinition.For(typeof(RecordJob.Command), typeof(Unit), ProcessSessionKind));

        Should.Throw<InvalidOperationException>(() => new JobCatalog(twice, registered)).Message.ShouldContain($"'{ProcessSessionKind}'");
    }

    [Fact]
    public void Every_job_runs_through_the_request_pipeline_behaviors_in_their_order()
    {
        using var scope = jobs.Api.Services.CreateScope();
        var requestPipeline = BehaviorsOf(scope.ServiceProvider, typeof(CreatePatient.Command), typeof(PatientResponse));
        requestPipeline.ShouldBe([typeof(LoggingBehavior<,>), typeof(ValidationBehavior<,>), typeof(AuthorizationBehavior<,>), typeof(RequestQuotaBehavior<,>), typeof(TransactionBehavior<,>), typeof(AuditBehavior<,>)]);
        foreach (var definition in Catalog.Definitions)
            BehaviorsOf(scope.ServiceProvider, definition.CommandType, ResponseOf(definition.CommandType)).ShouldBe(requestPipeline, definition.Kind);
    }

    [Fact]
    public void Every_schedule_runs_a_registered_job_and_no_two_share_a_name()
    {
        var schedules = jobs.Api.Services.GetServices<Schedule>().ToList();
        schedules.Select(s => s.Name).ShouldBe(JobCommands.Select(t => t.GetCustomAttribute<ScheduleAttribute>()?.Name).OfType<string>(), ignoreOrder: true);
        schedules.Select(s => s.Name).ShouldBeUnique();
        schedules.ShouldAllBe(s => Catalog.Find(s.Kind) != null && s.Every > TimeSpan.Zero);
    }

    [Fact]
    public void Every_dead_letter_handler_settles_a_registered_job_and_no_job_has_two()
    {
        var settled = typeof(Program).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false })
            .SelectMany(t => t.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IJobDeadLetter<>)))
            .Select(i => i.GetGenericArguments()[0]).ToList();
        settled.ShouldNotBeEmpty();
        settled.ShouldBeUnique();
        settled.ShouldAllBe(command => Catalog.Definitions.Any(d => d.CommandType == command));
    }

    /// <summary>
    /// The worker's reading of a failure (<see cref="Failures.Classify"/>: refused at once, or tried again) agrees with the
    /// status a request answers for the same exception (ProblemExceptionHandler): 4xx refused, 503 or 429 unavailable, 500 a bug.
    /// </summary>
    [Fact]
    public async Task A_failure_is_read_the_same_way_for_a_job_as_for_a_request()
    {
        Exception[] failures =
        [
            new FluentValidation.ValidationException("invalid"),
            RuleViolationException.ForField("field", "breaks a rule"),
            new NotFoundException("patient"),
            new ConflictException("state", "Conflict"),
            new ForbiddenException(),
            new UnauthorizedException("unauthenticated", "Sign in first."),
            new TooManyRequestsException(TimeSpan.FromSeconds(3)),
            new NpgsqlException("connection refused", new System.Net.Sockets.SocketException()),
            new PostgresException("canceling statement due to lock timeout", "ERROR", "ERROR", PostgresErrorCodes.LockNotAvailable),
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
            new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "down", null, CommandStatus.Unknown),
            new HttpRequestException("unreachable"),
            new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation),
            new InvalidOperationException("a bug"),
        ];
        using var scope = jobs.Api.Services.CreateScope();
        var handler = scope.ServiceProvider.GetServices<IExceptionHandler>().OfType<ProblemExceptionHandler>().Single();

        foreach (var failure in failures)
        {
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Response.Body = new MemoryStream();
            await handler.TryHandleAsync(http, failure, default);
            var expected = http.Response.StatusCode switch
            {
                429 or 503 => FailureKind.Unavailable,
                >= 400 and < 500 => FailureKind.Refused,
                _ => FailureKind.Bug,
            };
            Failures.Classify(failure).ShouldBe(expected, $"{failure.GetType().Name} answered {http.Response.StatusCode}");
        }
    }

    private const string ProcessSessionKind = OrthoScan.Api.Features.Scans.ProcessSession.Kind;

    /// <summary>
    /// A job command nobody wrote a handler for. It carries no [JobKind] only so that the test hosts' scan of this assembly
    /// (<see cref="TestJobs.AddTestJobs"/>) does not register it for every test; the test that needs it registers it by hand.
    /// </summary>
    public sealed record UnhandledJob : ICommand, IJobCommand
    {
        public const string Kind = "test.unhandled";
    }

    private static Type ResponseOf(Type command) =>
        command.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICommand<>)).GetGenericArguments()[0];

    private static List<Type> BehaviorsOf(IServiceProvider services, Type message, Type response) =>
        [.. services.GetServices(typeof(IPipelineBehavior<,>).MakeGenericType(message, response)).Select(b => b!.GetType().GetGenericTypeDefinition())];
}
