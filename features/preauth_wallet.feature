@preauth @flow-preauth
Feature: The wallet's pre-authorization API: pay, capture and cancel
  The kit plays the merchant server against the wallet's signed OpenAPI (pre-authorization
  steps 16-17 of seeds 000 and 002): it freezes by pay with the pre-authorization product code
  or by a freeze orderStr, captures with its own captureRequestIds and cancels. Every refusal
  leaves the money where it was (docs/protocol.md, "Pinned refusals", "Idempotency").

  @wallet @REQ-PRE-002 @step-5 @step-10 @step-16 @step-17
  Scenario: pay with the pre-authorization product code freezes the amount once the payer authorizes
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    Then the wallet reports the payment as "PROCESSING" for "40.00 USD"
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the wallet reports the payment as "AUTH_SUCCESS" for "40.00 USD"
    And the wallet reports the authorization expiring its declared validity after it was granted

  @wallet @flow-orderStr @REQ-PRE-001 @step-5 @step-6 @step-7 @step-8 @step-10 @step-16 @step-17
  Scenario: A freeze orderStr shaped like seed 000's sample, in GBK with RSA and no method, is authorized and captured
    Given the kit has signed a freeze orderStr for "0.02 CNY" shaped like seed 000's sample
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the wallet reports the payment as "AUTH_SUCCESS" for "0.02 CNY"
    And the wallet holds "0.02 CNY" frozen, "0.00 CNY" captured and "0.00 CNY" released
    When the kit captures "0.01 CNY" as the last capture
    Then the wallet confirms the capture of "0.01 CNY"
    And the wallet holds "0.00 CNY" frozen, "0.01 CNY" captured and "0.01 CNY" released

  @wallet @REQ-PRE-004 @step-16 @step-17
  Scenario: A last capture below the authorization releases the rest
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "15.00 USD" as the last capture
    Then the wallet confirms the capture of "15.00 USD"
    And the wallet reports the payment as "SUCCESS" for "40.00 USD"
    And the wallet holds "0.00 USD" frozen, "15.00 USD" captured and "25.00 USD" released

  @wallet @REQ-PRE-003 @step-16 @step-17
  Scenario: A capture without an amount takes the whole authorization
    Given the kit has asked the wallet for a pre-authorization of "1.500 KWD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures the whole authorization
    Then the wallet confirms the capture of "1.500 KWD"
    And the wallet holds "0.000 KWD" frozen, "1.500 KWD" captured and "0.000 KWD" released

  @wallet @REQ-PRE-004 @step-16 @step-17
  Scenario: A capture that does not say whether it is the last one is the last one
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "15.00 USD" without saying whether it is the last capture
    Then the wallet confirms the capture of "15.00 USD"
    And the wallet reports the payment as "SUCCESS" for "40.00 USD"
    When the kit captures "5.00 USD" and keeps the rest authorized
    Then the wallet refuses the capture
    And the wallet holds "0.00 USD" frozen, "15.00 USD" captured and "25.00 USD" released

  @wallet @REQ-PRE-005 @step-16 @step-17
  Scenario: Partial captures keep the rest frozen until the last one
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    Then the wallet confirms the capture of "10.00 USD"
    And the wallet holds "30.00 USD" frozen, "10.00 USD" captured and "0.00 USD" released
    When the kit captures "5.00 USD" and keeps the rest authorized
    Then the wallet confirms the capture of "5.00 USD"
    And the wallet holds "25.00 USD" frozen, "15.00 USD" captured and "0.00 USD" released
    When the kit captures "5.00 USD" as the last capture
    Then the wallet confirms the capture of "5.00 USD"
    And the wallet holds "0.00 USD" frozen, "20.00 USD" captured and "20.00 USD" released
    When the kit captures "1.00 USD" as the last capture
    Then the wallet refuses with "ORDER_IS_CLOSED"
    And the wallet holds "0.00 USD" frozen, "20.00 USD" captured and "20.00 USD" released

  @wallet @REQ-PRE-005 @step-16 @step-17
  Scenario: A second capture is taken, or refused with nothing captured where one capture per authorization is the rule
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    Then the wallet confirms the capture of "10.00 USD"
    When the kit captures "5.00 USD" and keeps the rest authorized
    Then the wallet takes the second capture of "5.00 USD", or refuses it and captures nothing where one capture per authorization is the rule

  @wallet @REQ-PRE-006 @step-16 @step-17
  Scenario: A capture above the authorized remainder is refused and takes nothing
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    And the kit captures "30.01 USD" as the last capture
    Then the wallet refuses with "CAPTURE_AMOUNT_EXCEED"
    And the wallet holds "30.00 USD" frozen, "10.00 USD" captured and "0.00 USD" released
    When the kit captures "30.00 USD" as the last capture
    Then the wallet confirms the capture of "30.00 USD"
    And the wallet holds "0.00 USD" frozen, "40.00 USD" captured and "0.00 USD" released

  @wallet @REQ-PRE-006 @step-16 @step-17
  Scenario Outline: A capture one minor unit above the authorization is refused, in <currency>
    Given the kit has asked the wallet for a pre-authorization of "<authorized>"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "<above>" as the last capture
    Then the wallet refuses with "CAPTURE_AMOUNT_EXCEED"
    When the kit captures "<authorized>" as the last capture
    Then the wallet confirms the capture of "<authorized>"

    Examples:
      | currency | authorized | above     |
      | USD      | 10.00 USD  | 10.01 USD |
      | JPY      | 1000 JPY   | 1001 JPY  |
      | KWD      | 1.000 KWD  | 1.001 KWD |

  @wallet @REQ-PRE-010 @step-16 @step-17
  Scenario: A repeated capture request captures once
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    Then the wallet confirms the capture of "10.00 USD"
    When the kit sends the same capture request again
    Then the wallet answers with the same capture
    And the wallet holds "30.00 USD" frozen, "10.00 USD" captured and "0.00 USD" released

  @wallet @REQ-PRE-010 @step-16 @step-17
  Scenario: A repeated last capture answers the same capture after the authorization closed
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "25.00 USD" as the last capture
    Then the wallet confirms the capture of "25.00 USD"
    When the kit sends the same capture request again
    Then the wallet answers with the same capture

  @wallet @REQ-PRE-010 @step-16 @step-17
  Scenario: A capture request id reused with another amount is refused
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    And the kit sends the same capture request id for "12.00 USD"
    Then the wallet refuses with "REPEAT_REQ_INCONSISTENT"
    And the wallet holds "30.00 USD" frozen, "10.00 USD" captured and "0.00 USD" released

  @wallet @REQ-PRE-010 @step-16 @step-17
  Scenario: A refused capture captures nothing under its request id
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "50.00 USD" and keeps the rest authorized
    Then the wallet refuses with "CAPTURE_AMOUNT_EXCEED"
    When the kit sends the same capture request id for "20.00 USD"
    Then the wallet confirms the capture of "20.00 USD", or replays its first refusal and captures nothing

  @wallet @REQ-PRE-011 @step-16 @step-17
  Scenario: A capture in another currency than the authorization's is refused
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "40.00 EUR" as the last capture
    Then the wallet refuses with "PARAM_ILLEGAL" naming "currency"
    And the wallet holds "40.00 USD" frozen, "0.00 USD" captured and "0.00 USD" released

  @wallet @REQ-PRE-011 @step-16 @step-17
  Scenario: A general payment cannot be captured
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit captures "10.00 USD" as the last capture
    Then the wallet refuses the capture
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @REQ-PRE-011 @step-16 @step-17
  Scenario: An authorization the payer has not granted cannot be captured
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    When the kit captures "10.00 USD" as the last capture
    Then the wallet refuses the capture
    And the wallet reports the payment as "PROCESSING" for "40.00 USD"

  @wallet @REQ-PRE-009 @step-16 @step-17
  Scenario: Cancelling an authorization releases everything and closes it
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit cancels the authorization
    Then the wallet confirms the cancellation
    And the wallet reports the payment as "CANCELLED" for "40.00 USD"
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "40.00 USD" released
    When the kit captures "10.00 USD" as the last capture
    Then the wallet refuses with "ORDER_IS_CLOSED"
    When the kit cancels the authorization
    Then the wallet repeats its confirmation of the cancel, or refuses it
    And the wallet reports the payment as "CANCELLED" for "40.00 USD"
    And the wallet holds "0.00 USD" frozen, "0.00 USD" captured and "40.00 USD" released

  @wallet @REQ-PRE-009 @step-16 @step-17
  Scenario: A settled authorization has nothing left to cancel
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "25.00 USD" as the last capture
    And the kit cancels the authorization
    Then the wallet refuses with "ORDER_IS_CLOSED"
    And the wallet holds "0.00 USD" frozen, "25.00 USD" captured and "15.00 USD" released

  @wallet @clock @REQ-PRE-008 @step-16 @step-17
  Scenario: After authExpiryTime nothing more is captured and what was frozen is released
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    And 7 days and one second pass in the wallet
    Then the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "30.00 USD" released
    When the kit captures "5.00 USD" as the last capture
    Then the wallet refuses with "AUTHORIZATION_EXPIRED"
    And the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "30.00 USD" released

  @wallet @clock @REQ-PRE-008 @step-16 @step-17
  Scenario: An authorization is capturable ten seconds before its authExpiryTime
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When 7 days less ten seconds pass in the wallet
    And the kit captures "40.00 USD" as the last capture
    Then the wallet confirms the capture of "40.00 USD"

  @wallet @realtime @flow-orderStr @REQ-PRE-012 @step-5 @step-6 @step-10
  Scenario: A freeze orderStr not authorized within its pay_timeout is closed, waited for in real time
    Given the kit has signed a freeze orderStr for "0.02 CNY" whose one-minute pay_timeout is waited for in real time
    When the payer cancels on the pre-authorization page
    Then the mini program gets result code 6001
    And the wallet closes the payment at its deadline
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 4000
    When the kit captures the whole authorization
    Then the wallet refuses the capture

  @wallet @clock @flow-orderStr @REQ-PRE-012 @step-5 @step-6 @step-10
  Scenario: A freeze orderStr not authorized within its pay_timeout is closed
    Given the kit has signed a freeze orderStr for "0.02 CNY" that expires in 2 days
    When the payer cancels on the pre-authorization page
    Then the mini program gets result code 6001
    When 2 days pass in the wallet
    Then the wallet reports the payment as "FAIL"
    And the wallet holds "0.00 CNY" frozen, "0.00 CNY" captured and "0.00 CNY" released
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 4000
