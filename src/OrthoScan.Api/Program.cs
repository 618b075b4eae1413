using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Persistence;

if (args.FirstOrDefault() == "health-probe")
{
    Environment.ExitCode = await HealthProbe.RunAsync(HealthProbe.LivenessOf(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")), Console.Error);
    return;
}

var command = args.FirstOrDefault() is "migrate" or "seed" or "demo-patient-code" or "process-image" or "create-platform-user" or "export-tags" or "train-demo-model" ? args[0] : null;
if (command == "process-image")
{
    // The worker's image code alone, on files: no database, no host. Its arguments are file paths, not settings.
    Environment.ExitCode = await ProcessImageCommand.RunAsync(WebApplication.CreateBuilder().Configuration, args[1..]);
    return;
}

if (command == "migrate")
{
    // Only the owner's connection string (and the app role's password) is given to the one-off migration task: it
    // builds no host, so it needs none of the secrets the API and worker need.
    using var logs = LoggerFactory.Create(b => b.AddJsonConsole());
    await Database.MigrateAsync(WebApplication.CreateBuilder(args[1..]).Configuration, logs.CreateLogger("OrthoScan.Api.Migrate"));
    return;
}

// create-platform-user's and export-tags' arguments are their own (create-platform-user's --role is not the host's).
var builder = WebApplication.CreateBuilder(command is null ? args : command is "create-platform-user" or "export-tags" ? [] : args[1..]);
var role = HostRoles.From(builder.Configuration); // --role api|worker|all, default all
builder.AddOrthoScan(role);
var app = builder.Build();

switch (command)
{
    case "seed":
        await DemoSeed.RunAsync(app.Services);
        return;
    case "train-demo-model":
        Environment.ExitCode = await OrthoScan.Api.Infrastructure.Ai.DemoModel.RunAsync(app.Services, Console.Out, CancellationToken.None);
        return;
    case "demo-patient-code":
        Console.WriteLine(await DemoSeed.IssuePatientCodeAsync(app.Services));
        return;
    case "create-platform-user":
        Environment.ExitCode = await OrthoScan.Api.Features.Auth.CreatePlatformUser.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
        return;
    case "export-tags":
        Environment.ExitCode = await OrthoScan.Api.Features.Exports.ExportTagsCommand.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
        return;
}

app.UseOrthoScan(role);
app.Run();

public partial class Program;
