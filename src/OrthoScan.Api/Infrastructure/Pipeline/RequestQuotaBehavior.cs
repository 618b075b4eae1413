using OrthoScan.Api.Infrastructure.Security;

namespace OrthoScan.Api.Infrastructure.Pipeline;

/// <summary>
/// A signed-in person's requests per minute (OWASP API4): a stolen token or a runaway script cannot take the API's
/// capacity from everyone else. Counted per account or patient, not per token, so many sign-ins share one budget;
/// beyond it 429 with Retry-After. Anonymous routes have their own per-IP limits; background jobs are not counted.
/// </summary>
public sealed class RequestQuotaBehavior<TMessage, TResponse>(RequestContext context, RateLimiter limiter, AuthOptions options)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (context.IsAuthenticated && (context.UserId ?? context.PatientId) is { } person
            && await limiter.HitAsync("user", person.ToString("N"), options.RequestsPerMinutePerUser, Window) is { } retry)
            throw new TooManyRequestsException(retry);
        return await next(message, cancellationToken);
    }
}
