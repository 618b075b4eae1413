namespace OrthoScan.Api.Tests.Contract;

/// <summary>GET /admin/jobs/dead (a page of these): the practice's failed background work, most recently dead first.</summary>
public sealed record DeadJobDto(Guid Id, string Kind, JobSubjectDto? Subject, int Attempts, DeadReason Reason, string Error, DateTime DeadSince);

/// <summary>What a job was about (a scan session), when the job names one.</summary>
public sealed record JobSubjectDto(string Type, Guid Id);

/// <summary>POST /admin/jobs/{id}/retry.</summary>
public sealed record RetriedJobDto(Guid Id, JobStatus Status, bool SubjectReopened);

public enum DeadReason { Failed, Abandoned, UnreadablePayload, Refused }

public enum JobStatus { Queued, Running, Succeeded, Dead }
