using System.Globalization;
using System.Text;

namespace OrthoScan.Ml.Datasets;

/// <summary>DATASET.md: the data card a reader of the dataset starts with; the numbers are this dataset's own.</summary>
internal static class DataCard
{
    public static byte[] Render(MlTaxonomy taxonomy, DatasetOptions options, DatasetTally tally)
    {
        var frontal = options.IncludeImages && options.IncludeFrontal;
        var md = new StringBuilder();
        md.AppendLine("# OrthoScan tag dataset").AppendLine();
        md.AppendLine(Invariant($"Schema {DatasetLayout.SchemaVersion}, taxonomy {taxonomy.Version}, generator {options.GeneratorVersion}, k = {options.K}, split seed {options.Seed}."));
        md.AppendLine(Invariant($"{tally.Patients} patients, {tally.Sessions} sessions, {tally.TagSets} tag sets, {tally.Images} images; patients per split: ")
            + string.Join(", ", tally.PatientsPerSplit.Select(s => Invariant($"{s.Key} {s.Value}"))) + ".").AppendLine();

        md.AppendLine("## How it was made").AppendLine();
        md.AppendLine("Doctors' tag sets on clear-aligner remote-monitoring scans (scores and detail tags of the taxonomy), with the");
        md.AppendLine("context of each scan (treatment stage, days since the treatment start and the previous scan, the previous scores) and");
        md.AppendLine("the AI suggestions the reviewer saw. One row per tag set in `tagsets.csv` and `tagsets.jsonl`; a session tagged twice");
        md.AppendLine("has both tag sets and an `agreement` column (share of the scores both scored on which they agree). Patients are split");
        md.AppendLine(Invariant($"into train/validation/test ({options.TrainFraction:0.##}/{options.ValidationFraction:0.##}/rest) by a keyed hash of the patient under the seed, so a patient's"));
        md.AppendLine("sessions never span splits and the same seed gives the same split. `manifest.json` lists the split of every export");
        md.AppendLine("patient id and the SHA-256 of every file; `label-studio.json` imports the sessions into Label Studio for tag audits.").AppendLine();

        md.AppendLine("## De-identification").AppendLine();
        md.AppendLine("- Only patients who gave research consent, of practices that opted in to data sharing.");
        md.AppendLine("- No names, contact details, addresses, dates of birth, notes or message text; age as a band, time as days relative");
        md.AppendLine("  to the treatment start (no calendar dates).");
        md.AppendLine("- Patient, session and practice ids are random export ids, not derived from the originals; the mapping was not kept.");
        md.AppendLine(Invariant($"- k-anonymity with k = {options.K} over age band, treatment type, aligner brand and practice region: rarer combinations were"));
        md.AppendLine("  generalised (aligner brand to \"other\", region to its country, age to under_18/18_plus, treatment type to \"other\",");
        md.AppendLine("  region to \"other\", age to \"any\") until at least k patients shared them, or suppressed.");
        md.AppendLine(Invariant($"  Generalised patients: {tally.GeneralisedPatients}; suppressed patients: {tally.SuppressedPatients} ({tally.SuppressedTagSets} tag sets)."));
        md.AppendLine(!options.IncludeImages ? "- No images."
            : "- Images were re-encoded from EXIF-free display derivatives with all metadata removed (EXIF, XMP, ICC, comments).");
        md.AppendLine(frontal ? "- Frontal views (they show the face) ARE included: this dataset identifies patients by their faces; handle it accordingly."
            : "- Frontal views (they show the face) are excluded.");
        md.AppendLine();

        md.AppendLine("## Intended use").AppendLine();
        md.AppendLine("Research on and training of non-diagnostic aids that suggest tags a doctor confirms or overrides, and audits of tag");
        md.AppendLine("quality. Not for diagnosis, not for decisions about individual patients, and no attempt at re-identification.").AppendLine();

        md.AppendLine("## Known biases and limits").AppendLine();
        md.AppendLine("- Selection: only consenting patients of practices that opted in; they need not resemble all patients.");
        md.AppendLine("- Label noise: one doctor's judgement per tag set; where two doctors tagged a session, `agreement` shows how often they agree.");
        md.AppendLine("- Region skew: practices and regions contribute unequal numbers of patients (generalised regions hide some of it).");
        md.AppendLine("- Class imbalance: tag sets per value of each score:").AppendLine();
        foreach (var (attribute, values) in tally.Labels)
        {
            md.AppendLine(Invariant($"  - {attribute}: ") + string.Join(", ", values.Select(v => Invariant($"{v.Key} {v.Value}"))));
        }

        return Encoding.UTF8.GetBytes(md.ToString());
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
