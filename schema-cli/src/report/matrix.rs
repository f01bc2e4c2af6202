//! The compatibility matrix of each family (writer version × reader version) as text, JSON
//! or a Markdown table. The finding formats (SARIF, GitHub annotations, JUnit) have nothing to
//! say about it: `check --matrix` refuses them.

use std::io::Write;

use docver_source::matrix::FamilyMatrix;

use super::Format;

/// Whether the matrix can be rendered in `format`.
pub fn supports(format: Format) -> bool {
    matches!(format, Format::Text | Format::Json | Format::Markdown)
}

/// Renders the matrices; a format [`supports`] refuses writes nothing.
pub fn render(all: &[FamilyMatrix], format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => json(all, out),
        Format::Markdown => markdown(all, out),
        Format::Text => text(all, out),
        Format::Sarif | Format::Github | Format::Junit => Ok(()),
    }
}

fn json(all: &[FamilyMatrix], out: &mut dyn Write) -> std::io::Result<()> {
    let value: Vec<_> = all
        .iter()
        .map(|m| {
            let cells: Vec<Vec<&str>> = m
                .cells
                .iter()
                .map(|row| row.iter().map(|c| c.as_str()).collect())
                .collect();
            serde_json::json!({"family": m.family, "versions": m.versions, "writer_by_reader": cells})
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

fn text(all: &[FamilyMatrix], out: &mut dyn Write) -> std::io::Result<()> {
    for m in all {
        writeln!(
            out,
            "{}: writer version (rows) × reader version (columns)",
            m.family
        )?;
        write!(out, "{:>8}", "")?;
        for v in &m.versions {
            write!(out, " {:>20}", format!("v{v}"))?;
        }
        writeln!(out)?;
        for (v, row) in m.versions.iter().zip(&m.cells) {
            write!(out, "{:>8}", format!("v{v}"))?;
            for cell in row {
                write!(out, " {:>20}", cell.as_str())?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

fn markdown(all: &[FamilyMatrix], out: &mut dyn Write) -> std::io::Result<()> {
    for m in all {
        writeln!(
            out,
            "### `{}`: writer version (rows) × reader version (columns)\n",
            m.family
        )?;
        write!(out, "| writer \\ reader |")?;
        for v in &m.versions {
            write!(out, " v{v} |")?;
        }
        writeln!(out)?;
        writeln!(out, "|---|{}", "---|".repeat(m.versions.len()))?;
        for (v, row) in m.versions.iter().zip(&m.cells) {
            write!(out, "| **v{v}** |")?;
            for cell in row {
                write!(out, " {} |", cell.as_str())?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    Ok(())
}
