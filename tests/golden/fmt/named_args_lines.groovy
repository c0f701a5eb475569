pipeline {
    agent any
    parameters {
        string(name: 'NAME',
               defaultValue: 'world',
               description: 'who to greet')
        choice(
            name: 'LEVEL',
            choices: ['low', 'high'],
            description: 'how loud'
        )
        booleanParam(name: 'DRY', defaultValue: true, description: 'dry run')
    }
    stages {
        stage('greet') {
            steps {
                sh script: 'echo hi',
                   returnStdout: true
                archiveArtifacts artifacts: 'out/**',
                    fingerprint: true,
                    allowEmptyArchive: true
                echo([
                    'a',
                    'b'
                ].join(','))
            }
        }
    }
}
