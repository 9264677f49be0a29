namespace Portal.Services;

/// <summary>A call of the user's refused in the last day because it passed a velocity limit (DESIGN §10), for the Home page.</summary>
/// <param name="At">When (UTC) the refusal was audited (the first of its ten-minute window).</param>
/// <param name="Detail">Which limit, how many calls, the limit: "daily call limit reached: 2000 calls in the last day, the limit is 2000".</param>
public sealed record CallLimitNotice(DateTime At, string Detail);
