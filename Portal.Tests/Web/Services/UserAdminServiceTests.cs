using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Services;
using Portal.Sip.Auth;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Web.Services;

public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private PortalTestHost host = null!;
    private PortalCaller admin = null!;
    private PortalCaller alice = null!;

    public async Task InitializeAsync()
    {
        host = await PortalTestHost.StartAsync();
        admin = await host.CreateUserAsync("root", admin: true);
        alice = await host.CreateUserAsync("alice");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    [Fact]
    public async Task EveryMethod_CalledByANonAdmin_IsRefused()
    {
        await WithScopeAsync<bool>(async sp =>
        {
            var service = sp.GetRequiredService<UserAdminService>();
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.ListAsync(alice, null));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.SuspendAsync(alice, admin.UserId, "x"));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.UnsuspendAsync(alice, alice.UserId));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.SetAdminAsync(alice, alice.UserId, true));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.SetCallLimitAsync(alice, alice.UserId, 50));
            await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.ResetPasswordAsync(alice, admin.UserId, "taken-over-1"));
            return true;
        });
    }

    [Fact]
    public async Task SuspendAsync_User_CannotSignInAndSessionStampChanges()
    {
        var before = await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId));
        await WithScopeAsync<bool>(async sp =>
        {
            await sp.GetRequiredService<UserAdminService>().SuspendAsync(admin, alice.UserId, "Unpaid invoice");
            return true;
        });

        var after = await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId));
        Assert.True(after!.IsSuspended);
        Assert.Equal("Unpaid invoice", after.SuspendedReason);
        Assert.NotEqual(before!.SecurityStamp, after.SecurityStamp);
        var canSignIn = await WithScopeAsync(sp => sp.GetRequiredService<SignInManager<PortalUser>>().CanSignInAsync(after));
        Assert.False(canSignIn);

        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));
        Assert.True(Assert.Single(listed).IsSuspended);
    }

    [Fact]
    public async Task UnsuspendAsync_User_CanSignInAgain()
    {
        await WithScopeAsync<bool>(async sp =>
        {
            var service = sp.GetRequiredService<UserAdminService>();
            await service.SuspendAsync(admin, alice.UserId, "Investigating abuse");
            await service.UnsuspendAsync(admin, alice.UserId);
            return true;
        });
        var user = await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId));
        Assert.True(await WithScopeAsync(sp => sp.GetRequiredService<SignInManager<PortalUser>>().CanSignInAsync(user!)));
    }

    [Fact]
    public async Task SuspendAsync_WithoutReason_IsRefused()
    {
        var ex = await WithScopeAsync(sp => Assert.ThrowsAsync<PortalValidationException>(() =>
            sp.GetRequiredService<UserAdminService>().SuspendAsync(admin, alice.UserId, " ")));
        Assert.Equal("Reason", ex.Field);
    }

    [Fact]
    public async Task SetAdminAsync_GrantThenRevoke_ChangesTheRole()
    {
        var roles = await WithScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<UserAdminService>();
            await service.SetAdminAsync(admin, alice.UserId, true);
            var granted = (await service.ListAsync(admin, "alice")).Single().IsAdmin;
            await service.SetAdminAsync(admin, alice.UserId, false);
            var revoked = (await service.ListAsync(admin, "alice")).Single().IsAdmin;
            return (granted, revoked);
        });
        Assert.True(roles.granted);
        Assert.False(roles.revoked);
    }

    [Fact]
    public async Task AdminCannotSuspendOrDemoteThemselves()
    {
        await WithScopeAsync<bool>(async sp =>
        {
            var service = sp.GetRequiredService<UserAdminService>();
            await Assert.ThrowsAsync<PortalValidationException>(() => service.SuspendAsync(admin, admin.UserId, "oops"));
            await Assert.ThrowsAsync<PortalValidationException>(() => service.SetAdminAsync(admin, admin.UserId, false));
            return true;
        });
    }

    [Fact]
    public async Task ListAsync_Search_MatchesUsernameOrEmail()
    {
        var byName = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "ali"));
        var byEmail = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice@example"));
        Assert.Equal("alice", Assert.Single(byName).UserName);
        Assert.Equal("alice", Assert.Single(byEmail).UserName);
    }

    [Fact]
    public async Task SetCallLimitAsync_ReachesTheSipService_AndIsAudited_AndClearsBackToTheDefault()
    {
        await WithScopeAsync(sp =>
            sp.GetRequiredService<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "desk-secret-1" }));

        await WithScopeAsync<bool>(async sp =>
        {
            await sp.GetRequiredService<UserAdminService>().SetCallLimitAsync(admin, alice.UserId, 3);
            return true;
        });
        var limited = await host.Get<ISipAccountDirectory>().FindAsync("alice-desk");
        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));

        await WithScopeAsync<bool>(async sp =>
        {
            await sp.GetRequiredService<UserAdminService>().SetCallLimitAsync(admin, alice.UserId, null);
            return true;
        });
        var cleared = await host.Get<ISipAccountDirectory>().FindAsync("alice-desk");

        Assert.Equal(3, limited!.OwnerMaxConcurrentCalls);
        Assert.Equal(3, Assert.Single(listed).MaxConcurrentCalls);
        Assert.Null(cleared!.OwnerMaxConcurrentCalls);
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.Where(a => a.Action == "user.call-limit").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["3 calls at once", "the service default"], audit.Select(a => a.Detail));
        Assert.All(audit, a => Assert.Equal(("root", "alice"), (a.Actor, a.Target)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(UserAdminService.MaxCallLimit + 1)]
    public async Task SetCallLimitAsync_OutOfRange_IsRefusedAndChangesNothing(int limit)
    {
        var refused = await WithScopeAsync(sp =>
            Assert.ThrowsAsync<PortalValidationException>(() => sp.GetRequiredService<UserAdminService>().SetCallLimitAsync(admin, alice.UserId, limit)));

        Assert.Contains("from 1 to 1000", refused.Message);
        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));
        Assert.Null(Assert.Single(listed).MaxConcurrentCalls);
    }

    [Fact]
    public async Task ResetPasswordAsync_WithoutAPassword_GeneratesOneThatSignsIn_EndsSessions_LiftsLockout_AndIsAudited()
    {
        var before = await WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(alice.UserId))!;
            await users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(15));
            return user.SecurityStamp;
        });

        var password = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ResetPasswordAsync(admin, alice.UserId, null));

        Assert.Equal(RandomPassword.DefaultLength, password.Length);
        await WithScopeAsync<bool>(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByIdAsync(alice.UserId))!;
            Assert.True(await users.CheckPasswordAsync(user, password));
            Assert.False(await users.CheckPasswordAsync(user, "password-123"));
            Assert.NotEqual(before, user.SecurityStamp);
            Assert.False(await users.IsLockedOutAsync(user));
            return true;
        });
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.SingleAsync(a => a.Action == "user.password-reset");
        Assert.Equal(("root", "alice", "a generated password"), (entry.Actor, entry.Target, entry.Detail));
        Assert.DoesNotContain(password, entry.Detail);
    }

    [Fact]
    public async Task ResetPasswordAsync_ChosenPassword_IsTheNewPassword()
    {
        var password = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ResetPasswordAsync(admin, alice.UserId, "chosen-by-admin"));

        Assert.Equal("chosen-by-admin", password);
        var user = await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId));
        Assert.True(await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().CheckPasswordAsync(user!, "chosen-by-admin")));
    }

    [Fact]
    public async Task ResetPasswordAsync_TooShortOrOwnAccount_IsRefusedAndChangesNothing()
    {
        var tooShort = await WithScopeAsync(sp => Assert.ThrowsAsync<PortalValidationException>(() =>
            sp.GetRequiredService<UserAdminService>().ResetPasswordAsync(admin, alice.UserId, "short")));
        var self = await WithScopeAsync(sp => Assert.ThrowsAsync<PortalValidationException>(() =>
            sp.GetRequiredService<UserAdminService>().ResetPasswordAsync(admin, admin.UserId, null)));

        Assert.Equal("Password", tooShort.Field);
        Assert.Contains("at least 8 characters", tooShort.Message);
        Assert.Contains("Your account", self.Message);
        var user = await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(alice.UserId));
        Assert.True(await WithScopeAsync(sp => sp.GetRequiredService<UserManager<PortalUser>>().CheckPasswordAsync(user!, "password-123")));
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "user.password-reset"));
    }

    [Fact]
    public async Task SetCallVelocityAsync_ReachesTheSipDirectory_IsListedAndAudited_AndNullGoesBackToTheDefault()
    {
        await WithScopeAsync(sp =>
            sp.GetRequiredService<SipAccountService>().CreateAsync(alice, new SipAccountInput { Username = "alice-desk", Password = "desk-secret-1" }));

        await WithScopeAsync<bool>(async sp =>
        {
            await sp.GetRequiredService<UserAdminService>().SetCallVelocityAsync(admin, alice.UserId, 20, 0);
            return true;
        });
        var limited = await host.Get<ISipAccountDirectory>().FindAsync("alice-desk");
        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));
        await WithScopeAsync<bool>(async sp =>
        {
            await sp.GetRequiredService<UserAdminService>().SetCallVelocityAsync(admin, alice.UserId, null, null);
            return true;
        });
        var cleared = await host.Get<ISipAccountDirectory>().FindAsync("alice-desk");

        Assert.Equal((20, 0), (limited!.OwnerMaxCallsPerHour, limited.OwnerMaxCallsPerDay));
        Assert.Equal((20, 0), (Assert.Single(listed).MaxCallsPerHour, listed[0].MaxCallsPerDay));
        Assert.Equal((null, null), (cleared!.OwnerMaxCallsPerHour, cleared.OwnerMaxCallsPerDay));
        await using var db = await host.Get<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var audit = await db.AuditEntries.Where(a => a.Action == "user.call-velocity").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["per hour: 20; per day: unlimited", "per hour: the service default; per day: the service default"], audit.Select(a => a.Detail));
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(null, UserAdminService.MaxVelocityLimit + 1)]
    public async Task SetCallVelocityAsync_OutOfRange_IsRefusedAndChangesNothing(int? perHour, int? perDay)
    {
        var refused = await WithScopeAsync(sp =>
            Assert.ThrowsAsync<PortalValidationException>(() => sp.GetRequiredService<UserAdminService>().SetCallVelocityAsync(admin, alice.UserId, perHour, perDay)));

        Assert.Contains("from 0 (unlimited) to 100000", refused.Message);
        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));
        Assert.Equal((null, null), (Assert.Single(listed).MaxCallsPerHour, listed[0].MaxCallsPerDay));
    }

    [Fact]
    public async Task SetCallVelocityAsync_ByANonAdmin_IsRefused()
    {
        await WithScopeAsync(sp =>
            Assert.ThrowsAsync<UnauthorizedAccessException>(() => sp.GetRequiredService<UserAdminService>().SetCallVelocityAsync(alice, alice.UserId, 1, 1)));

        var listed = await WithScopeAsync(sp => sp.GetRequiredService<UserAdminService>().ListAsync(admin, "alice"));
        Assert.Null(Assert.Single(listed).MaxCallsPerHour);
    }
}
