@general @wallet-api
Feature: The wallet checks every pay request
  A merchant server's pay request is signed, complete and well formed, or the wallet refuses it
  with a final result naming the field and creates nothing. A request id is the merchant's
  idempotency key (docs/protocol.md, "pay" and "Idempotency"). Here the kit plays the merchant.

  @wallet @REQ-GEN-025 @step-4 @step-5 @step-6 @step-7
  Scenario: The wallet accepts a well-formed pay request
    When the kit asks the wallet for a payment of "10.00 USD"
    Then the wallet accepts the payment request
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario Outline: An amount value of "<value>" is refused
    When the kit asks the wallet for a payment whose amount value is "<value>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "paymentAmount.value"
    And the wallet has no payment for that request

    Examples:
      | value  |
      | 10.50  |
      | -100   |
      | 0      |
      | 0100   |
      | 1e3    |

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario: An amount written as a JSON number is refused
    When the kit asks the wallet for a payment whose amount value is the JSON number "10.5"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "paymentAmount"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario: A currency that is not an ISO 4217 code is refused
    When the kit asks the wallet for a payment in the currency "ZZZ"
    Then the wallet refuses the unsupported currency
    And the wallet has no payment for that request

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario: A pay request without a title is refused
    When the kit asks the wallet for a payment without a title
    Then the wallet refuses with "PARAM_ILLEGAL" naming "paymentOrderTitle"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario Outline: A pay request without <field> is refused where the wallet's dialect requires it
    When the kit asks the wallet for a payment without "<field>"
    Then the wallet refuses with "PARAM_ILLEGAL" naming "<field>" where its dialect requires it, or accepts the payment request

    Examples:
      | field     |
      | partnerId |
      | appId     |

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario: A title longer than 256 characters is refused
    When the kit asks the wallet for a payment with a title of 257 characters
    Then the wallet refuses with "PARAM_ILLEGAL" naming "paymentOrderTitle"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-020 @step-4 @step-5
  Scenario: A pay request without a request id is refused
    When the kit asks the wallet for a payment without a request id
    Then the wallet refuses with "PARAM_ILLEGAL" naming "paymentRequestId"

  @wallet @REQ-GEN-021 @step-4 @step-5
  Scenario: A pay request signed with another key is refused
    When the kit asks the wallet for a payment signed with another key
    Then the wallet refuses with "INVALID_SIGNATURE"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-021 @step-4 @step-5
  Scenario: A pay request from an unknown client is refused
    When the kit asks the wallet for a payment under an unknown client id
    Then the wallet refuses with "INVALID_CLIENT"
    And the wallet has no payment for that request

  @wallet @REQ-GEN-022 @step-4 @step-5 @step-6 @step-7
  Scenario: Repeating a pay request returns the same payment
    When the kit asks the wallet for a payment of "10.00 USD"
    And the kit sends the same payment request again
    Then the wallet answers with the same payment id
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

  @wallet @REQ-GEN-022 @step-4 @step-5 @step-6 @step-7
  Scenario: The same request in other bytes is the same request
    When the kit asks the wallet for a payment of "10.00 USD"
    And the kit sends the same payment request again with its fields in another order
    Then the wallet answers with the same payment id

  @wallet @REQ-GEN-023 @step-4 @step-5
  Scenario: Reusing a request id for another amount is refused
    When the kit asks the wallet for a payment of "10.00 USD"
    And the kit sends the same request id for a payment of "99.00 USD"
    Then the wallet refuses with "REPEAT_REQ_INCONSISTENT"
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

  @wallet @REQ-GEN-024 @step-4 @step-5
  Scenario: A refused request creates nothing under its request id
    When the kit asks the wallet for a payment whose amount value is "10.50"
    And the kit sends the request again with the amount corrected to "10.50 USD"
    Then the wallet accepts the corrected request for "10.50 USD", or replays its first refusal and has no payment for it

  @wallet @REQ-GEN-015 @step-17
  Scenario: The wallet knows no payment id it never issued
    When the kit asks the wallet about a payment id it never issued
    Then the wallet refuses with "ORDER_NOT_EXIST"

  @wallet @REQ-GEN-015 @step-17
  Scenario: The payment id wins over the request id in an inquiry
    When the kit asks the wallet for a payment of "10.00 USD"
    And the kit asks the wallet about an unknown payment id with the payment's request id
    Then the wallet refuses with "ORDER_NOT_EXIST"

  @wallet @REQ-GEN-015 @step-16 @step-17
  Scenario: The payment id wins over the request id in a cancel
    When the kit asks the wallet for a payment of "10.00 USD"
    And the kit cancels an unknown payment id with the payment's request id
    Then the wallet refuses with "ORDER_NOT_EXIST"
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"
