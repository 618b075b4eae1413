using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// Completes each operation from what the code already says about it:
/// <list type="bullet">
/// <item>security: the bearer token, or none (<c>security: []</c>) when the slice's message is <see cref="AnonymousAttribute"/>;</item>
/// <item>who may call it, from the message's <see cref="RequiresRoleAttribute"/>, at the end of the description;</item>
/// <item>the statuses the pipeline answers: 400 for any input (body, query, header, or a validator), 401 without a
/// token, 403 when the roles are fewer than all, 404 for a route id, 413/415 for a JSON body, 422 for a paged list's
/// limit below 1, and 503 everywhere (every operation reads PostgreSQL or Redis, if only to check the token);</item>
/// <item>every error status, declared here or by the endpoint, as the shared problem response;</item>
/// <item>the endpoint's examples (<see cref="OpenApiExamples"/>), written with the API's own JSON options.</item>
/// </list>
/// </summary>
public static class OpenApiOperations
{
    private static readonly int AllRoles = Enum.GetValues<Role>().Length;

    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var message = MessageOf(metadata, description.RelativePath);
        var roles = message.GetCustomAttribute<RequiresRoleAttribute>()?.Roles;
        var anonymous = message.GetCustomAttribute<AnonymousAttribute>() is not null;
        var document = context.Document;

        operation.Security = anonymous
            ? []
            : [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiContract.BearerScheme, document)] = [] }];
        operation.Description = $"{operation.Description}\n\n{Access(anonymous, roles)}".Trim();

        var parameters = description.ParameterDescriptions;
        var hasBody = parameters.Any(p => p.Source == BindingSource.Body);
        var statuses = (operation.Responses ?? []).Keys.Select(int.Parse).Where(s => s >= 400).ToHashSet();
        if (hasBody || parameters.Any(p => p.Source != BindingSource.Path) || HasValidator(context.ApplicationServices, message)) statuses.Add(400);
        if (!anonymous) statuses.Add(401);
        if (roles is not null && roles.Distinct().Count() < AllRoles) statuses.Add(403);
        if (parameters.Any(p => p.Source == BindingSource.Path)) statuses.Add(404);
        if (hasBody) statuses.UnionWith([413, 415]);
        if (IsPaged(metadata)) statuses.UnionWith([400, 422]);
        statuses.Add(503);

        var responses = new OpenApiResponses();
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (int.Parse(status) < 400) responses[status] = response;
        }
        foreach (var status in statuses.Order())
            responses[status.ToString()] = new OpenApiResponseReference(ProblemResponses.For(status).Name, document);
        operation.Responses = responses;

        AddExamples(operation, metadata, context.ApplicationServices);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The message the endpoint sends: the one the slice (the type that declares the endpoint's handler) declares with
    /// <see cref="RequiresRoleAttribute"/> or <see cref="AnonymousAttribute"/>. Every documented endpoint sends one.
    /// </summary>
    private static Type MessageOf(IList<object> metadata, string? path)
    {
        var handler = metadata.OfType<MethodInfo>().FirstOrDefault()
                      ?? throw new InvalidOperationException($"The endpoint {path} has no handler method in its metadata.");
        for (var type = handler.DeclaringType; type is not null; type = type.DeclaringType)
        {
            var messages = type.GetNestedTypes()
                .Where(t => typeof(IMessage).IsAssignableFrom(t)
                            && (t.GetCustomAttribute<RequiresRoleAttribute>() is not null || t.GetCustomAttribute<AnonymousAttribute>() is not null))
                .ToList();
            if (messages.Count == 1) return messages[0];
            if (messages.Count > 1)
                throw new InvalidOperationException($"{type.FullName} declares several messages; the endpoint {path} cannot be documented from one.");
        }
        throw new InvalidOperationException($"The endpoint {path} is declared outside a slice with a message: its access cannot be documented.");
    }

    private static string Access(bool anonymous, IReadOnlyList<Role>? roles) => anonymous
        ? "**Access:** anonymous (no token)."
        : $"**Access:** bearer token; roles {string.Join(", ", roles!.Select(r => $"`{r.ToClaim()}`"))}.";

    private static bool HasValidator(IServiceProvider services, Type message) =>
        services.GetService(typeof(IValidator<>).MakeGenericType(message)) is not null;

    private static bool IsPaged(IList<object> metadata) =>
        metadata.OfType<IProducesResponseTypeMetadata>().Any(m => m.Type is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(Page<>));

    private static void AddExamples(OpenApiOperation operation, IList<object> metadata, IServiceProvider services)
    {
        var json = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var example in metadata.OfType<EndpointExample>())
        {
            var content = example.Status is { } status
                ? operation.Responses?.GetValueOrDefault(status.ToString())?.Content
                : operation.RequestBody?.Content;
            var media = (content is not null && content.TryGetValue("application/json", out var found) ? found : null)
                        ?? throw new InvalidOperationException($"{operation.OperationId} has an example for a body it does not declare (status {example.Status}).");
            media.Example = JsonSerializer.SerializeToNode(example.Value, example.Value.GetType(), json);
        }
    }
}
