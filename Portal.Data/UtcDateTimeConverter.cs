using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data;

/// <summary>
/// Every time the portal keeps is UTC, but not every DateTime says so: SQLite hands rows back with an unspecified
/// kind, and a date typed into a filter has none. PostgreSQL's "timestamp with time zone" takes only UTC-kind values,
/// so on it each value is marked UTC on the way in (a local one converted), and comes back UTC.
/// </summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
