using OrthoScan.Api.Infrastructure.Http;
using OrthoScan.Api.Infrastructure.Persistence;

var command = args.FirstOrDefault() is "migrate" or "seed" or "demo-patient-code" ? args[0] : null;
var builder = WebApplication.CreateBuilder(command is null ? args : args[1..]);
var role = HostRoles.From(builder.Configuration); // --role api|worker|all, default all
builder.AddOrthoScan(role);
var app = builder.Build();

switch (command)
{
    case "migrate":
        await Database.MigrateAsync(app.Configuration, app.Logger);
        return;
    case "seed":
        await DemoSeed.RunAsync(app.Services);
        return;
    case "demo-patient-code":
        Console.WriteLine(await DemoSeed.IssuePatientCodeAsync(app.Services));
        return;
}

app.UseOrthoScan(role);
app.Run();

public partial class Program;
