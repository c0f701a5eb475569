pipeline {
    agent any
    options {
        timeout(time: 1, unit: 'HOURS')
        buildDiscarder logRotator(numToKeepStr:'5')
        retry 3
        skipDefaultCheckout()
    }
    stages {
        stage('calls') {
            steps {
                sh 'make'
                sh('make')
                sh script:'make',returnStdout:true
                echo("a" , "b")
                timeout(5) { sh 'slow' }
                withCredentials([usernamePassword(credentialsId: 'c', usernameVariable: 'U', passwordVariable: 'P')]) {
                    sh 'login'
                }
                checkout([$class: 'GitSCM', branches: [[name: '*/main']], userRemoteConfigs: [[url: 'https://example.com/r.git']]])
            }
        }
    }
}
