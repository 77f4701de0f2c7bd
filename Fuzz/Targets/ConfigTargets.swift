import KitCore
import WxPayCore
import WxPayPrivacy
import WxPayRisk

/// Files an operator or a caller supplies: the secrets file, the risk rules file, sealed PII mappings.
enum ConfigTargets {
    /// The secrets file, with `@NAME@` tokens replaced by this run's keys and certificates (see
    /// `Fixture.State.placeholders`), so the fuzzer reaches key loading without a key committed in the corpus.
    static let secrets = FuzzTarget(name: "secrets", summary: "the secrets file (JSON: keys, certificates, URLs)") {
        bytes in
        var file = bytes
        for (token, value) in Fixture.current.placeholders { file.replace(token, with: value) }
        do throws(WxPayError) {
            let secrets = try Secrets.parse(file)
            Invariant.noSecret(secrets.description, "secrets")
            // Keys that passed the structural check must load, or fail with a contract error, when used.
            for serial in secrets.wechatPayPublicKeys.keys.prefix(4) {
                _ = try secrets.verificationKey(forSerial: serial, at: Fixture.now)
            }
            _ = try RequestSigner(secrets: secrets).sign("fuzz")
        } catch {
            Invariant.check(error, "secrets")
        }
    }

    static let sample = RiskTransaction(id: "t1", amount: 1999, description: "咖啡 coffee beans 1kg",
                                        userOpenid: "o-fuzz", createdAt: "2026-12-01T08:00:00+08:00")

    static let riskRules = FuzzTarget(name: "risk-rules", summary: "the risk rules file (WXPAY_RISK_RULES)") {
        bytes in
        do throws(RiskRulesError) {
            let rules = try RiskRules.parse(json: bytes, source: "fuzz")
            // Rules that validate must score without trapping, whatever their limits and weights.
            let engine = RiskEngine(rules: rules)
            for i in 0..<3 {
                var t = sample
                t.id = "t\(i)"
                t.amount = [1, 1999, Int.max / 2][i]
                let decision = engine.score(t)
                Invariant.require(decision.score >= 0, "risk-rules: a negative score")
            }
        } catch {
            Invariant.check(code: error.code, "risk-rules")
            Invariant.require(error.message.utf8.count <= Invariant.maxMessageBytes, "risk-rules: unbounded message")
        }
    }

    /// A sealed mapping's content: the harness seals the mutated plaintext with the test SM4 key, so the fuzzer
    /// reaches the mapping decoder behind the integrity check; then restores a text through it.
    static let piiMapping = FuzzTarget(
        name: "pii-mapping",
        summary: "pii-restore's mapping: mutated mapping plaintexts, sealed with the test SM4 key, then restored"
    ) { bytes in
        let sealer = Fixture.current.sealer
        guard let sealed = try? sealer.seal(bytes, context: PlaceholderMap.sealContext) else {
            FuzzEnvironment.fail("pii-mapping: the harness could not seal")
        }
        let input: JSONValue = [
            "text": "call ⟦PHONE_1⟧ or ⟦CARD_1⟧, order ⟦ORDER_2⟧ ⟦EMAIL_1", "mapping": .string(sealed),
        ]
        do throws(WxPayError) {
            let (output, _) = try PrivacyProxy.restore(input, sealer: sealer)
            Invariant.require(output["text"]?.stringValue != nil, "pii-mapping: restore answered no text")
        } catch {
            Invariant.check(error, "pii-mapping")
        }
        // The same bytes, unsealed, as a caller could send them: refused, never trusted.
        do throws(WxPayError) {
            _ = try PrivacyProxy.restore(["text": "x", "mapping": .string(String(decoding: bytes, as: UTF8.self))],
                                         sealer: sealer)
            Invariant.require(false, "pii-mapping: an unsealed mapping was accepted")
        } catch {
            Invariant.check(error, "pii-mapping")
        }
    }
}
