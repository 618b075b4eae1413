using FluentValidation;
using Mediator;
using Shouldly;

namespace OrthoScan.Architecture.Tests;

/// <summary>
/// Every command (a message that changes state) has a validator, so bad input is refused as a 400 before the handler
/// runs, inside the same pipeline for every slice; and a validator has at least one rule.
/// </summary>
public sealed class CommandValidatorTests
{
    /// <summary>Commands that carry nothing to validate. Each must stay without properties: once it takes input, it needs a validator.</summary>
    private static readonly (Type Command, string Reason)[] Exceptions =
    [
        (typeof(Api.Features.Auth.Logout.Command), "no input at all: the sign-in to end comes from the access token"),
        (typeof(Api.Features.Scans.SweepRawUploads.Command), "a scheduled job without input: what to sweep comes from the clock and the raw-upload ledger"),
        (typeof(Api.Features.Audit.ArchiveAuditLog.Command), "a scheduled job without input: what to archive comes from the sealed chain and the archive marks"),
        (typeof(Api.Features.Scans.SettleStuckSessions.Command), "a scheduled job without input: which scans are stuck comes from the clock and the jobs table"),
        (typeof(Api.Features.Billing.OpenPortal.Command), "no input at all: the practice and its Stripe customer come from the access token"),
    ];

    private static IReadOnlyList<Type> Commands { get; } = [.. Codebase.Api.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBaseCommand).IsAssignableFrom(t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)];

    private static IReadOnlyList<Type> Validators { get; } = [.. Codebase.Api.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && ValidatedType(t) is not null)];

    [Fact]
    public void Every_command_has_a_validator()
    {
        Commands.Count.ShouldBeGreaterThan(10, "the scan for commands found too few: is it looking at the API assembly?");
        var missing = Commands
            .Where(c => !Validators.Any(v => ValidatedType(v) == c) && Exceptions.All(e => e.Command != c))
            .Select(c => c.FullName!).ToList();

        missing.ShouldBeEmpty($"Add a Validator : AbstractValidator<Command> with real rules to:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void Every_command_validator_has_at_least_one_rule()
    {
        var empty = Validators
            .Where(v => Commands.Contains(ValidatedType(v)) && v.GetConstructor(Type.EmptyTypes) is not null)
            .Where(v => !((IEnumerable<IValidationRule>)Activator.CreateInstance(v)!).Any())
            .Select(v => v.FullName!).ToList();

        empty.ShouldBeEmpty();
    }

    [Fact]
    public void Every_exception_is_a_command_without_input()
    {
        foreach (var (command, reason) in Exceptions)
        {
            Commands.ShouldContain(command);
            command.GetProperties()
                .ShouldBeEmpty($"{command.FullName} takes input now: give it a validator and drop the exception");
            reason.ShouldNotBeNullOrWhiteSpace();
        }
    }

    /// <summary>T of a type deriving from AbstractValidator&lt;T&gt;, or null.</summary>
    private static Type? ValidatedType(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(AbstractValidator<>)) return t.GetGenericArguments()[0];
        }
        return null;
    }
}
