// What nearly every slice uses; anything rarer is imported where it is used.
global using Carter;
global using FluentValidation;
global using Mediator;
global using Microsoft.EntityFrameworkCore;
global using OrthoScan.Api.Domain;
global using OrthoScan.Api.Infrastructure;
global using OrthoScan.Api.Infrastructure.Errors;
global using OrthoScan.Api.Infrastructure.Http;
global using OrthoScan.Api.Infrastructure.Persistence;
global using OrthoScan.Api.Infrastructure.Pipeline;
global using OrthoScan.Api.Infrastructure.Security;
global using OrthoScan.Api.Infrastructure.Tenancy;
