using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Contract;
using OrthoScan.Api.Tests.Infrastructure;
using OrthoScan.Api.Tests.Storage;
using Shouldly;

namespace OrthoScan.Api.Tests.DataRights;

/// <summary>
/// The S3 path of crypto-shredding against s3rver: a patient's objects carry the client-side layer under the patient's
/// key (the real keyring of the test host, over PostgreSQL), S3 holds only ciphertext, and erasure makes them unreadable.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class S3PatientObjectTests(ApiFactory api, S3rverFixture s3rver) : IClassFixture<S3rverFixture>
{
    private const string KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/test";

    [Fact]
    public async Task A_patients_object_is_ciphertext_in_S3_read_through_the_API_and_unreadable_after_erasure()
    {
        var owner = await api.RegisterPracticeAsync("S3 Shred Clinic");
        var patient = await api.AddPatientAsync(owner, "Bucket", "Patient");
        var options = new StorageOptions { Provider = "s3", ServiceUrl = s3rver.ServiceUrl, Bucket = S3rverFixture.Bucket, KmsKeyId = KmsKeyId };
        using var client = StorageSetup.CreateS3Client(options, new BasicAWSCredentials("S3RVER", "S3RVER"));
        var keys = new ObjectDataKeys(api.Services.GetRequiredService<IKeyProvider>(), api.Services.GetRequiredService<IPatientKeyring>());
        using var store = new S3BlobStore(client, S3rverFixture.Bucket, KmsKeyId, TimeProvider.System, ownsClient: false,
            keys, api.Services.GetRequiredService<BlobUrlSigner>());
        var key = $"practices/{owner.PracticeId}/patients/{patient.Id}/sessions/{Guid.CreateVersion7()}/{Guid.CreateVersion7()}/full.jpg";
        var photo = StorageTestKit.RandomBytes(200_000);

        await store.PutAsync(key, new MemoryStream(photo), "image/jpeg", default);

        using (var raw = await client.GetObjectAsync(S3rverFixture.Bucket, key))
        {
            raw.Metadata[S3BlobStore.FormatMetadata].ShouldBe(S3BlobStore.EnvelopeFormat);
            var stored = await StorageTestKit.ReadAllAsync(raw.ResponseStream);
            stored.AsSpan(0, 4).ToArray().ShouldBe("OSBF"u8.ToArray());
            stored[4].ShouldBe(BlobFileFormat.PatientWrapped);
            stored.AsSpan().IndexOf(photo.AsSpan(0, 64)).ShouldBe(-1, "S3 holds ciphertext only");
        }
        (await StorageTestKit.ReadAllAsync((await store.OpenReadAsync(key, default)).ShouldNotBeNull())).ShouldBe(photo);
        var link = store.CreateDownloadUrl(key, TimeSpan.FromMinutes(1));
        link.IsAbsoluteUri.ShouldBeFalse("a ciphertext object is served by the API, which decrypts it");
        link.ToString().ShouldStartWith("/api/v1/blobs/");

        await (await api.EraseAsync(owner.AccessToken, patient.Id)).ShouldBeAsync<ErasureDto>(HttpStatusCode.OK);

        await Should.ThrowAsync<PatientDataShreddedException>(() => store.OpenReadAsync(key, default));
        await Should.ThrowAsync<PatientDataShreddedException>(() => store.PutAsync(key, new MemoryStream(photo), "image/jpeg", default));
        (await client.GetObjectMetadataAsync(S3rverFixture.Bucket, key)).HttpStatusCode.ShouldBe(HttpStatusCode.OK,
            "this object was written behind the API's back, so erasure did not know to delete it: it stays, unreadable");
    }
}
