using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using Shouldly;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>OrthoScan:Storage picks the store and the key provider.</summary>
public sealed class StorageSetupTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["OrthoScan:Secrets:MasterKey"] = Convert.ToBase64String(new byte[32]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddBlobStorage(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_default_is_the_encrypted_file_store_with_the_master_key()
    {
        using var services = Build(new() { ["OrthoScan:Storage:LocalRoot"] = "/tmp/orthoscan-setup-test" });
        services.GetRequiredService<IBlobStore>().ShouldBeOfType<EncryptedFileBlobStore>().Root.ShouldBe("/tmp/orthoscan-setup-test");
        services.GetRequiredService<IKeyProvider>().ShouldBeOfType<LocalKeyProvider>();
    }

    [Fact]
    public void Kms_wraps_the_local_store_data_keys_when_asked()
    {
        using var services = Build(new() { ["OrthoScan:Storage:KeyProvider"] = "kms", ["OrthoScan:Storage:KmsKeyId"] = "alias/orthoscan", ["OrthoScan:Storage:KmsServiceUrl"] = "http://127.0.0.1:9" });
        services.GetRequiredService<IKeyProvider>().ShouldBeOfType<KmsKeyProvider>();
    }

    [Fact]
    public void S3_is_chosen_by_configuration_and_needs_a_bucket_and_a_KMS_key()
    {
        using (var services = Build(new() { ["OrthoScan:Storage:Provider"] = "s3", ["OrthoScan:Storage:Bucket"] = "photos", ["OrthoScan:Storage:KmsKeyId"] = "alias/orthoscan" }))
            services.GetRequiredService<IBlobStore>().ShouldBeOfType<S3BlobStore>();
        using (var services = Build(new() { ["OrthoScan:Storage:Provider"] = "s3", ["OrthoScan:Storage:Bucket"] = "photos" }))
            Should.Throw<InvalidOperationException>(() => services.GetRequiredService<IBlobStore>()).Message.ShouldContain("KmsKeyId");
        Should.Throw<InvalidOperationException>(() => Build(new() { ["OrthoScan:Storage:Provider"] = "ftp" }));
    }
}
