using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrthoScan.Api.Features.Billing;
using OrthoScan.Api.Infrastructure.Ai;
using OrthoScan.Api.Infrastructure.Audit;
using OrthoScan.Api.Infrastructure.Billing;
using OrthoScan.Api.Infrastructure.Notifications;
using OrthoScan.Api.Infrastructure.Caching;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Infrastructure.Imaging;
using OrthoScan.Api.Infrastructure.Jobs;
using OrthoScan.Api.Infrastructure.Messaging;
using Scalar.AspNetCore;
using Serilog;
using StackExchange.Redis;

namespace OrthoScan.Api.Infrastructure.Http;

public static class ServiceSetup
{
    public const long MaxRequestBytes = 1024 * 1024;

    public static WebApplicationBuilder AddOrthoScan(this WebApplicationBuilder builder, HostRole role = HostRole.All)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        // Each host logs through its own logger, not the process-wide static one: a process holding several hosts (the
        // tests, a CLI command beside the web host) would otherwise send every host's events to the last one configured.
        builder.Host.UseSerilog((context, logger) => logger
            .ReadFrom.Configuration(context.Configuration)
            .Enrich.FromLogContext()
            .Enrich.With<QueryTokenRedaction>()
            .WriteTo.Console(new Serilog.Formatting.Compact.RenderedCompactJsonFormatter()), preserveStaticLogger: true);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBytes;
            k.AddServerHeader = false;
        });

        services.Configure<SecretsOptions>(config.GetSection(SecretsOptions.Section));
        services.Configure<RedisOptions>(config.GetSection(RedisOptions.Section));
        var auth = config.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddSingleton(auth);
        services.AddSingleton(TimeProvider.System);
        services.AddBlobStorage(config);
        services.AddOptions<WebOptions>().Bind(config.GetSection(WebOptions.Section));
        services.AddSingleton<ContentSecurityPolicies>();

        services.AddScoped<RequestContext>();
        services.AddScoped<TenantScope>();
        services.AddScoped<TenantConnectionInterceptor>();
        services.AddScoped<PracticeCacheInvalidation>();
        var appConnectionString = new Lazy<string>(() => DatabaseOptions.AppConnectionString(config));
        services.AddDbContext<AppDbContext>((sp, options) => options
            .UseNpgsql(appConnectionString.Value)
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(sp.GetRequiredService<TenantConnectionInterceptor>(), sp.GetRequiredService<PracticeCacheInvalidation>()));

        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisConfiguration(RequireConnectionString(config, "Redis"))));
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<PracticeCache>();
        services.AddSingleton<TokenRevocations>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenService>();
        services.AddScoped<SessionIssuer>();
        services.AddSingleton<LoginGuard>();
        services.AddSingleton<TotpVerifier>();
        services.AddScoped<InvitationCodes>();
        services.AddJobs(config, runWorker: role.RunsJobs());
        services.AddJobQueueMetricsExport(config, runWorker: role.RunsJobs());
        services.AddAudit(config, runSealer: role.RunsJobs());
        services.AddImaging(config);
        services.AddAiSuggestions(config);
        services.AddDiscountPolicy(config);
        services.AddBillingPlans(config);
        services.AddBillingProvider(config);
        services.AddNotifications(config);
        services.AddLiveThreads(role.ServesApi());
        services.AddScoped<SubscriptionView.Builder>();
        services.AddScoped<OrthoScan.Api.Features.Exports.TagDataset>();
        services.AddOptions<OrthoScan.Api.Features.Exports.ExportOptions>().Bind(config.GetSection(OrthoScan.Api.Features.Exports.ExportOptions.Section))
            .Validate(o => o.ProgressEveryRows >= 1, "OrthoScan:Exports:ProgressEveryRows must be at least 1.").ValidateOnStart();

        // Requests and background jobs (Features/*: [JobKind] commands, found by AddJobs) share this one pipeline.
        services.AddScoped<AfterCommit>();
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors =
            [
                typeof(LoggingBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(AuthorizationBehavior<,>),
                typeof(RequestQuotaBehavior<,>),
                typeof(TransactionBehavior<,>),
                typeof(AuditBehavior<,>),
            ];
        });
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton);
        services.AddCarter();

        services.ConfigureHttpJsonOptions(json =>
        {
            ConfigureJson(json.SerializerOptions);
            RequestJson.Guard(json.SerializerOptions);
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? c.HttpContext.TraceIdentifier;
            // Problems the framework writes itself (unmatched route, wrong method, 415, 401 challenge) arrive with an
            // RFC section link as their type; ours are stable and the same whoever writes the problem.
            if (c.ProblemDetails.Type?.StartsWith(ProblemTypes.Base, StringComparison.Ordinal) != true)
            {
                c.ProblemDetails.Type = ProblemTypes.For(c.ProblemDetails.Status switch
                {
                    401 => "unauthenticated",
                    403 => "forbidden",
                    404 => "not-found",
                    405 => "method-not-allowed",
                    413 => "payload-too-large",
                    415 => "unsupported-media-type",
                    _ => "http-" + c.ProblemDetails.Status,
                });
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys, TokenRevocations, TimeProvider>((jwt, keys, revocations, clock) => ConfigureJwt(jwt, auth, keys, revocations, clock));
        services.AddAuthorization();

        services.AddOrthoScanOpenApi();
        services.AddHealthChecks()
            .AddNpgSql(DatabaseOptions.AppConnectionString(config), name: "postgresql", tags: ["ready"], timeout: TimeSpan.FromSeconds(3))
            .AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), name: "redis", tags: ["ready"], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<BlobStoreHealthCheck>("storage", tags: ["ready"], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.NumberHandling = JsonNumberHandling.Strict;
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, AuthOptions auth, SigningKeys keys, TokenRevocations revocations, TimeProvider clock)
    {
        jwt.MapInboundClaims = false;
        if (auth.ExternalAuthority is { Length: > 0 } authority)
        {
            // Auth0 / Cognito: their signing keys come from the authority's discovery document. The token must carry
            // our claims (role, practice_id), added by an Auth0 action or a Cognito pre-token-generation trigger.
            jwt.Authority = authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.ClockSkew = auth.ClockSkew;
            jwt.TokenValidationParameters.NameClaimType = Claims.Subject;
            jwt.TokenValidationParameters.RoleClaimType = Claims.Role;
        }
        else
        {
            jwt.TokenValidationParameters = TokenService.ValidationParameters(auth, keys, auth.Audience, clock);
        }
        jwt.Events = new JwtBearerEvents
        {
            // A browser cannot put a header on a WebSocket, so the live hub alone takes its token from the query string
            // (kept out of the logs by QueryTokenRedaction).
            OnMessageReceived = context =>
            {
                if (context.Request.Path.StartsWithSegments(ThreadsHub.Path) && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    context.Token = token;
                return Task.CompletedTask;
            },
            OnTokenValidated = async context =>
            {
                var principal = context.Principal!;
                if (await revocations.IsRevokedAsync(principal.FindFirst(Claims.SessionFamily)?.Value, principal.FindFirst(Claims.TokenId)?.Value))
                    context.Fail("The token has been revoked.");
            },
        };
    }

    public static WebApplication UseOrthoScan(this WebApplication app, HostRole role = HostRole.All)
    {
        // Outside the exception handler, so a handled problem is logged with the status the client got.
        app.UseSerilogRequestLogging(o =>
        {
            // This host's own logger (the static one stays unconfigured: see AddOrthoScan).
            o.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            o.EnrichDiagnosticContext = (diag, http) => diag.Set("RequestId", http.TraceIdentifier);
            // A blob URL's token is a working link until it expires: keep it out of the logs.
            o.GetMessageTemplateProperties = (http, path, elapsed, status) =>
            [
                new("RequestMethod", new Serilog.Events.ScalarValue(http.Request.Method)),
                new("RequestPath", new Serilog.Events.ScalarValue(path.StartsWith(Routes.V1 + "/blobs/", StringComparison.Ordinal) ? Routes.V1 + "/blobs/***" : path)),
                new("StatusCode", new Serilog.Events.ScalarValue(status)),
                new("Elapsed", new Serilog.Events.ScalarValue(elapsed)),
            ];
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.Use((http, next) =>
        {
            // On start, like the security headers: it must survive the exception handler, errors are when it is needed.
            var requestId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
            http.Response.OnStarting(() =>
            {
                http.Response.Headers["X-Request-Id"] = requestId;
                return Task.CompletedTask;
            });
            return next(http);
        });
        app.UseMiddleware<BodySizeLimitMiddleware>(MaxRequestBytes);
        app.UseMiddleware<QueryTextGuardMiddleware>();
        var servesApi = role.ServesApi();
        if (servesApi)
        {
            app.UseDefaultFiles();
            app.UseStaticFiles();
        }
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<RequestContextMiddleware>();
        if (servesApi) app.Use(DashboardFallback.InvokeAsync);
        app.UseAuthorization();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync });
        if (servesApi)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapScalarApiReference("/docs", o => o.WithTitle("OrthoScan API").DisableDefaultFonts().WithOpenApiRoutePattern("/openapi/{documentName}.json").AddDocument("v1", routePattern: "/openapi/v1.json"));
            app.MapCarter();
            app.MapLiveThreads();
            // The public halves of the keys our tokens are signed with, for services that verify them (OIDC's JWKS).
            app.MapGet("/.well-known/jwks.json", (SigningKeys keys, HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=300";
                return Results.Json(keys.Jwks());
            }).AllowAnonymous().ExcludeFromDescription();
        }
        return app;
    }

    /// <summary>
    /// Starts even while Redis is down and reconnects by itself; while it is down, commands fail at once (instead of
    /// queueing until a timeout), so requests that need it answer 503 quickly.
    /// </summary>
    public static ConfigurationOptions RedisConfiguration(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    public static string RequireConnectionString(IConfiguration config, string name) =>
        config.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"ConnectionStrings:{name} is not configured (make run writes .local/env).");
}
